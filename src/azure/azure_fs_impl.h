// AzureFileSystem internals (private): the FileSystem, its read and write
// files, and path helpers. See strata/azure/azure_fs.h for the semantics.
//
// Thread-safety: AzureFileSystem as FileSystem; a ReadFile allows concurrent
// reads (its readahead cache is under a mutex); a WriteFile needs external
// synchronization, as File says.
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "strata/azure/azure_fs.h"
#include "strata/azure/client.h"
#include "strata/fs/file.h"
#include "strata/fs/file_system.h"

namespace strata::azure {

// "/container/a/b" → {"container", "a/b"}; "/container" → {"container", ""}.
struct BlobPath {
  std::string container;
  std::string blob;
};
BlobPath SplitPath(std::string_view path);

// kDataLoss when the server listed a `name` outside the requested `prefix`
// (`what` names the listed path).
Status CheckListed(std::string_view name, std::string_view prefix,
                   std::string_view what);

// kFailedPrecondition naming `path` (used on closed files).
Status ClosedError(std::string_view op, std::string_view path);

class AzureFileSystem final : public fs::FileSystem {
 public:
  AzureFileSystem(std::shared_ptr<Client> client,
                  AzureFileSystemOptions options);

  std::string_view name() const override { return "azure"; }
  fs::Capabilities capabilities() const override;
  Task<Result<std::unique_ptr<fs::File>>> Open(
      std::string path, fs::OpenOptions options) override;
  Task<Result<fs::FileInfo>> Stat(std::string path) override;
  fs::ListStream List(std::string path, fs::ListOptions options) override;
  Task<Status> CreateDir(std::string path, bool recursive) override;
  Task<Status> Remove(std::string path) override;
  Task<Status> RemoveDir(std::string path, bool recursive) override;
  Task<Status> Rename(std::string from, std::string to) override;
  Task<Status> Copy(std::string from, std::string to) override;
  Task<Status> SyncDir(std::string path) override;

  Client& client() { return *client_; }
  const AzureFileSystemOptions& options() const { return options_; }

  // True when blobs exist below "blob/" (or the marker itself).
  Task<Result<bool>> DirExists(std::string container, std::string blob);

 private:
  Task<Result<std::unique_ptr<fs::File>>> OpenForWrite(std::string path,
                                                       fs::OpenOptions options);
  Task<Result<std::string>> CopyFrom(std::string from, std::string to);
  Task<Status> CreateDirChecks(std::string path, bool recursive);
  Task<Status> DeleteAll(std::string container, std::vector<std::string> blobs);
  Task<Status> ListForRemove(std::string path, bool recursive,
                             std::vector<std::string>* blobs);
  Task<Status> CheckListTarget(std::string path);
  static fs::ListStream ListPages(AzureFileSystem* self, std::string path,
                                  fs::ListOptions options);

  std::shared_ptr<Client> client_;
  AzureFileSystemOptions options_;
};

// A blob opened for reading: ranged GETs with sequential readahead.
std::unique_ptr<fs::File> NewReadFile(AzureFileSystem* fs, std::string path,
                                      BlobProperties props);

// What a write file starts from.
struct WriteSetup {
  std::string path;
  fs::OpenOptions options;
  // Set when appending to an existing blob.
  std::optional<BlobProperties> existing;
  PutOptions put;  // content type, metadata and commit conditions
};
Task<Result<std::unique_ptr<fs::File>>> NewWriteFile(AzureFileSystem* fs,
                                                     WriteSetup setup);

}  // namespace strata::azure
