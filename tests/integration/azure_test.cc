// azure::Client and AzureFileSystem against Azurite: every client operation,
// conditional requests, append blobs and block-blob append, concurrent
// multi-block uploads, list pagination, and fault injection through the
// test FaultProxy. Needs STRATA_TEST_AZURE_CONNECTION_STRING (scripts/
// start-azurite.sh); skipped without it unless STRATA_REQUIRE_SERVERS=1.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <random>

#include "http/testing/test_server.h"
#include "strata/azure/azure_fs.h"
#include "strata/azure/client.h"
#include "strata/runtime/runtime.h"

namespace strata::azure {
namespace {

using ::testing::HasSubstr;

std::span<const std::byte> Bytes(const std::string& s) {
  return std::as_bytes(std::span<const char>(s.data(), s.size()));
}

std::string Random(size_t n, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::string out(n, '\0');
  for (char& c : out) c = static_cast<char>(rng());
  return out;
}

class AzuriteTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const char* cs = std::getenv("STRATA_TEST_AZURE_CONNECTION_STRING");
    if (cs == nullptr || *cs == '\0') {
      const char* req = std::getenv("STRATA_REQUIRE_SERVERS");
      if (req != nullptr && std::string(req) == "1") {
        FAIL() << "STRATA_REQUIRE_SERVERS=1 but "
                  "STRATA_TEST_AZURE_CONNECTION_STRING is not set";
      }
      GTEST_SKIP() << "STRATA_TEST_AZURE_CONNECTION_STRING is not set "
                      "(run scripts/start-azurite.sh)";
    }
    connection_string_ = cs;
    RuntimeOptions ro;
    ro.io_uring = runtime::IoUringMode::kOff;
    ro.reactor_threads = 2;
    rt_ = std::move(Runtime::Create(ro)).value();
    client_ = MakeClient("");
    container_ = "strata-az-" + std::to_string(std::random_device{}());
    ASSERT_TRUE(Run(client_->CreateContainer(container_)).ok());
  }
  void TearDown() override {
    if (!client_) return;
    auto fs = NewFs(client_);
    Run(fs->RemoveDir(P(""), true)).IgnoreError();
  }

  // A client on the connection string, or on `endpoint` (a proxy) instead.
  std::shared_ptr<Client> MakeClient(const std::string& endpoint,
                                     int attempts = 6) {
    ClientOptions o;
    o.settings.connection_string = connection_string_;
    o.settings.use_environment = false;
    o.settings.endpoint = endpoint;
    o.retry.max_attempts = attempts;
    o.retry.initial_backoff = std::chrono::milliseconds(5);
    o.retry.max_backoff = std::chrono::milliseconds(50);
    return std::move(Client::Create(o)).value();
  }
  std::shared_ptr<fs::FileSystem> NewFs(std::shared_ptr<Client> client,
                                        size_t block = 1 << 20) {
    AzureFileSystemOptions o;
    o.shared_client = std::move(client);
    o.block_size = block;
    o.upload_concurrency = 3;
    return std::move(NewAzureFileSystem(o)).value();
  }
  template <typename T>
  T Run(Task<T> task) {
    return rt_->BlockOn(std::move(task));
  }
  Result<std::string> GetAll(Client& c, const std::string& blob) {
    auto props = Run(c.GetProperties(container_, blob));
    if (!props.ok()) return props.status();
    std::string buf(props->size, '\0');
    auto r = Run(
        c.Get(container_, blob, std::as_writable_bytes(std::span<char>(buf))));
    if (!r.ok()) return r.status();
    buf.resize(r->bytes_read);
    return buf;
  }
  Status FsWrite(fs::FileSystem& f, const std::string& path,
                 const std::string& data, fs::OpenOptions o) {
    auto file = Run(f.Open(path, o));
    if (!file.ok()) return file.status();
    Status st = Run((*file)->Write(Bytes(data)));
    if (!st.ok()) return st;
    return Run((*file)->Close());
  }
  std::string P(const std::string& blob) {
    std::string out(1, '/');
    out.append(container_);
    if (!blob.empty()) {
      out.push_back('/');
      out.append(blob);
    }
    return out;
  }

  std::string connection_string_;
  std::unique_ptr<Runtime> rt_;
  std::shared_ptr<Client> client_;
  std::string container_;
};

TEST_F(AzuriteTest, ContainerLifecycle) {
  EXPECT_EQ(Run(client_->CreateContainer(container_)).code(),
            StatusCode::kAlreadyExists);
  std::string other = container_ + "-x";
  ASSERT_TRUE(Run(client_->CreateContainer(other)).ok());
  EXPECT_TRUE(Run(client_->DeleteContainer(other)).ok());
  EXPECT_EQ(Run(client_->List(other)).status().code(), StatusCode::kNotFound);
}

TEST_F(AzuriteTest, PutGetPropertiesDelete) {
  const std::string data = Random(100000, 1);
  PutOptions po;
  po.content_type = "application/x-test";
  po.metadata["owner"] = "strata";
  auto put = Run(client_->Put(container_, "dir/a b+c.bin", Bytes(data), po));
  ASSERT_TRUE(put.ok()) << put.status().ToString();
  auto props = Run(client_->GetProperties(container_, "dir/a b+c.bin"));
  ASSERT_TRUE(props.ok()) << props.status().ToString();
  EXPECT_EQ(props->size, data.size());
  EXPECT_EQ(props->etag, put->etag);
  EXPECT_EQ(props->content_type, "application/x-test");
  EXPECT_EQ(props->metadata["owner"], "strata");
  EXPECT_EQ(props->type, BlobType::kBlock);
  EXPECT_EQ(*GetAll(*client_, "dir/a b+c.bin"), data);
  // Ranged.
  std::string part(1000, '\0');
  GetOptions go;
  go.offset = 5000;
  go.length = 1000;
  auto r = Run(client_->Get(container_, "dir/a b+c.bin",
                            std::as_writable_bytes(std::span<char>(part)), go));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->bytes_read, 1000u);
  EXPECT_EQ(r->blob_size, data.size());
  EXPECT_EQ(part, data.substr(5000, 1000));
  go.offset = data.size() + 10;
  r = Run(client_->Get(container_, "dir/a b+c.bin",
                       std::as_writable_bytes(std::span<char>(part)), go));
  EXPECT_EQ(r.status().code(), StatusCode::kOutOfRange)
      << r.status().ToString();
  ASSERT_TRUE(Run(client_->Delete(container_, "dir/a b+c.bin")).ok());
  Status gone = Run(client_->Delete(container_, "dir/a b+c.bin"));
  EXPECT_EQ(gone.code(), StatusCode::kNotFound);
  EXPECT_THAT(std::string(gone.message()), HasSubstr("az://" + container_));
}

TEST_F(AzuriteTest, ConditionalPut) {
  PutOptions create;
  create.if_none_match = "*";
  auto first = Run(client_->Put(container_, "c", Bytes("one"), create));
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  auto again = Run(client_->Put(container_, "c", Bytes("two"), create));
  EXPECT_EQ(again.status().code(), StatusCode::kAlreadyExists)
      << again.status().ToString();
  PutOptions cas;
  cas.if_match = "0x0BADBAD";
  EXPECT_EQ(
      Run(client_->Put(container_, "c", Bytes("two"), cas)).status().code(),
      StatusCode::kFailedPrecondition);
  cas.if_match = first->etag;
  ASSERT_TRUE(Run(client_->Put(container_, "c", Bytes("two"), cas)).ok());
  EXPECT_EQ(*GetAll(*client_, "c"), "two");
}

TEST_F(AzuriteTest, BlocksAndBlockList) {
  std::vector<std::string> parts = {Random(1000, 2), Random(2000, 3), "tail"};
  std::vector<BlockRef> refs;
  for (uint32_t i = 0; i < parts.size(); ++i) {
    BlockRef ref;
    ref.id = BlockId(7, i);
    ASSERT_TRUE(
        Run(client_->PutBlock(container_, "blk", ref.id, Bytes(parts[i])))
            .ok());
    refs.push_back(ref);
  }
  PutOptions po;
  po.content_type = "text/x-blocks";
  ASSERT_TRUE(Run(client_->PutBlockList(container_, "blk", refs, po)).ok());
  EXPECT_EQ(*GetAll(*client_, "blk"), parts[0] + parts[1] + parts[2]);
  auto list = Run(client_->GetBlockList(container_, "blk"));
  ASSERT_TRUE(list.ok()) << list.status().ToString();
  ASSERT_EQ(list->size(), 3u);
  EXPECT_EQ((*list)[1].id, BlockId(7, 1));
  EXPECT_EQ((*list)[1].size, 2000u);
  EXPECT_EQ(Run(client_->GetProperties(container_, "blk"))->content_type,
            "text/x-blocks");
}

TEST_F(AzuriteTest, AppendBlob) {
  ASSERT_TRUE(Run(client_->CreateAppendBlob(container_, "log")).ok());
  const std::string big = Random((5 << 20) + 3, 4);  // split into 2 blocks
  ASSERT_TRUE(
      Run(client_->AppendBlock(container_, "log", Bytes(big), uint64_t{0}))
          .ok());
  ASSERT_TRUE(Run(client_->AppendBlock(container_, "log", Bytes("end"))).ok());
  auto stale =
      Run(client_->AppendBlock(container_, "log", Bytes("x"), uint64_t{1}));
  EXPECT_EQ(stale.status().code(), StatusCode::kFailedPrecondition)
      << stale.status().ToString();
  EXPECT_EQ(*GetAll(*client_, "log"), big + "end");
  EXPECT_EQ(Run(client_->GetProperties(container_, "log"))->type,
            BlobType::kAppend);
}

TEST_F(AzuriteTest, ListPagination) {
  for (const char* name : {"p/a", "p/b", "p/c", "p/d/x", "p/e/y", "p/f", "q"}) {
    ASSERT_TRUE(Run(client_->Put(container_, name, Bytes(name))).ok());
  }
  ListOptions lo;
  lo.prefix = "p/";
  lo.delimiter = "/";
  lo.max_results = 2;
  std::vector<std::string> blobs, prefixes;
  int pages = 0;
  do {
    auto r = Run(client_->List(container_, lo));
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    for (auto& b : r->blobs) blobs.push_back(b.name);
    for (auto& p : r->prefixes) prefixes.push_back(p);
    lo.marker = r->next_marker;
    ++pages;
  } while (!lo.marker.empty() && pages < 10);
  EXPECT_EQ(blobs, (std::vector<std::string>{"p/a", "p/b", "p/c", "p/f"}));
  EXPECT_EQ(prefixes, (std::vector<std::string>{"p/d/", "p/e/"}));
  EXPECT_EQ(pages, 3);
}

TEST_F(AzuriteTest, CopyBlob) {
  PutOptions po;
  po.metadata["k"] = "v";
  const std::string data = Random(300000, 5);
  ASSERT_TRUE(Run(client_->Put(container_, "src", Bytes(data), po)).ok());
  auto r = Run(client_->Copy(container_, "src", container_, "dst"));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(*GetAll(*client_, "dst"), data);
  EXPECT_EQ(Run(client_->GetProperties(container_, "dst"))->metadata["k"], "v");
  EXPECT_EQ(
      Run(client_->Copy(container_, "nope", container_, "d2")).status().code(),
      StatusCode::kNotFound);
}

TEST_F(AzuriteTest, LargeConcurrentUploadIsByteExact) {
  auto f = NewFs(client_, 1 << 20);
  const std::string data = Random((5 << 20) + 12345, 6);
  auto file = Run(f->Open(P("big"), fs::OpenOptions::Overwrite()));
  ASSERT_TRUE(file.ok());
  for (size_t off = 0; off < data.size(); off += 300000) {
    std::string chunk = data.substr(off, 300000);
    ASSERT_TRUE(Run((*file)->Write(Bytes(chunk))).ok());
  }
  ASSERT_TRUE(Run((*file)->Close()).ok());
  EXPECT_TRUE(*GetAll(*client_, "big") == data);
  auto blocks = Run(client_->GetBlockList(container_, "big"));
  ASSERT_TRUE(blocks.ok());
  EXPECT_EQ(blocks->size(), 6u);
}

TEST_F(AzuriteTest, FsAppendToEveryKindOfBlob) {
  auto f = NewFs(client_, 1 << 20);
  // A single-shot Put Blob (no block list): re-staged, metadata kept.
  PutOptions po;
  po.content_type = "text/x-kept";
  po.metadata["m"] = "1";
  const std::string head = Random(1500000, 7);
  ASSERT_TRUE(Run(client_->Put(container_, "single", Bytes(head), po)).ok());
  ASSERT_TRUE(FsWrite(*f, P("single"), "more", fs::OpenOptions::Append()).ok());
  EXPECT_TRUE(*GetAll(*client_, "single") == head + "more");
  auto props = Run(client_->GetProperties(container_, "single"));
  EXPECT_EQ(props->content_type, "text/x-kept");
  EXPECT_EQ(props->metadata["m"], "1");
  // A blob with a block list: committed blocks reused.
  const std::string tail = Random(2500000, 8);
  ASSERT_TRUE(FsWrite(*f, P("single"), tail, fs::OpenOptions::Append()).ok());
  EXPECT_TRUE(*GetAll(*client_, "single") == head + "more" + tail);
  EXPECT_EQ(Run(client_->GetProperties(container_, "single"))->metadata["m"],
            "1");
  // An append blob: Append Block.
  ASSERT_TRUE(Run(client_->CreateAppendBlob(container_, "log")).ok());
  ASSERT_TRUE(FsWrite(*f, P("log"), tail, fs::OpenOptions::Append()).ok());
  ASSERT_TRUE(FsWrite(*f, P("log"), "!", fs::OpenOptions::Append()).ok());
  EXPECT_TRUE(*GetAll(*client_, "log") == tail + "!");
  EXPECT_EQ(Run(client_->GetProperties(container_, "log"))->type,
            BlobType::kAppend);
}

TEST_F(AzuriteTest, FsAppendBlobAbortAppendsNothing) {
  auto f = NewFs(client_, 1 << 20);
  ASSERT_TRUE(Run(client_->CreateAppendBlob(container_, "log")).ok());
  ASSERT_TRUE(Run(client_->AppendBlock(container_, "log", Bytes("base"))).ok());
  auto file = Run(f->Open(P("log"), fs::OpenOptions::Append()));
  ASSERT_TRUE(file.ok()) << file.status().ToString();
  ASSERT_TRUE(Run((*file)->Write(Bytes(Random(3 << 20, 12)))).ok());
  ASSERT_TRUE(Run((*file)->Abort()).ok());
  EXPECT_EQ(*GetAll(*client_, "log"), "base");
}

TEST_F(AzuriteTest, FsAppendKeepsContentHeaders) {
  auto f = NewFs(client_, 1 << 20);
  PutOptions po;
  po.content_type = "text/plain";
  po.content_encoding = "identity";
  po.content_language = "de";
  po.content_disposition = "attachment";
  po.cache_control = "no-cache";
  ASSERT_TRUE(Run(client_->Put(container_, "doc", Bytes("abc"), po)).ok());
  ASSERT_TRUE(FsWrite(*f, P("doc"), "def", fs::OpenOptions::Append()).ok());
  EXPECT_EQ(*GetAll(*client_, "doc"), "abcdef");
  auto props = Run(client_->GetProperties(container_, "doc"));
  ASSERT_TRUE(props.ok()) << props.status().ToString();
  EXPECT_EQ(props->content_type, "text/plain");
  EXPECT_EQ(props->content_encoding, "identity");
  EXPECT_EQ(props->content_language, "de");
  EXPECT_EQ(props->content_disposition, "attachment");
  EXPECT_EQ(props->cache_control, "no-cache");
}

TEST_F(AzuriteTest, RenameFailsWhenTheSourceEtagIsStale) {
  ASSERT_TRUE(Run(client_->Put(container_, "src", Bytes("one"))).ok());
  CopyOptions co;
  co.source_if_match = "0x0BADBADBAD";
  auto copy = Run(client_->Copy(container_, "src", container_, "dst", co));
  EXPECT_EQ(copy.status().code(), StatusCode::kFailedPrecondition)
      << copy.status().ToString();
  DeleteOptions del;
  del.if_match = "0x0BADBADBAD";
  EXPECT_EQ(Run(client_->Delete(container_, "src", del)).code(),
            StatusCode::kFailedPrecondition);
  auto f = NewFs(client_);
  ASSERT_TRUE(Run(f->Rename(P("src"), P("dst"))).ok());
  EXPECT_EQ(*GetAll(*client_, "dst"), "one");
  EXPECT_EQ(Run(client_->GetProperties(container_, "src")).status().code(),
            StatusCode::kNotFound);
}

// ---- faults through the proxy -----------------------------------------

using http::testing::Fault;
using http::testing::FaultProxy;

class AzuriteFaultTest : public AzuriteTest {
 protected:
  void SetUp() override {
    AzuriteTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    // http://host:port/path of Azurite, from the connection string.
    const std::string& ep = client_->config().endpoint;
    size_t host_at = ep.find("://") + 3;
    size_t path_at = ep.find('/', host_at);
    std::string host_port = ep.substr(host_at, path_at - host_at);
    size_t colon = host_port.rfind(':');
    ASSERT_NE(colon, std::string::npos) << "endpoint without a port: " << ep;
    auto proxy = FaultProxy::Start(
        host_port.substr(0, colon),
        static_cast<uint16_t>(std::stoi(host_port.substr(colon + 1))));
    ASSERT_TRUE(proxy.ok()) << proxy.status().ToString();
    proxy_ = std::move(proxy).value();
    std::string endpoint = proxy_->url();
    if (path_at != std::string::npos) endpoint += ep.substr(path_at);
    faulty_ = MakeClient(endpoint);
    doomed_ = MakeClient(endpoint, /*attempts=*/3);
  }
  std::unique_ptr<FaultProxy> proxy_;
  std::shared_ptr<Client> faulty_;
  std::shared_ptr<Client> doomed_;
};

TEST_F(AzuriteFaultTest, ScriptedServerErrorsAreRetried) {
  const std::string data = Random(700000, 9);
  proxy_->Script({Fault::kStatus500, Fault::kStatus503});
  ASSERT_TRUE(Run(faulty_->Put(container_, "f", Bytes(data))).ok());
  EXPECT_EQ(proxy_->faults_injected(), 2u);
  proxy_->Script({Fault::kStatus503, Fault::kThrottle429});
  EXPECT_TRUE(*GetAll(*faulty_, "f") == data);
}

TEST_F(AzuriteFaultTest, ResetMidBodyIsRetriedExactly) {
  const std::string data = Random(3 << 20, 10);
  ASSERT_TRUE(Run(client_->Put(container_, "f", Bytes(data))).ok());
  std::string buf(data.size(), '\0');
  proxy_->Script({Fault::kResetMidBody, Fault::kResetBeforeResponse});
  auto r = Run(faulty_->Get(container_, "f",
                            std::as_writable_bytes(std::span<char>(buf))));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->bytes_read, data.size());
  EXPECT_TRUE(buf == data);
  EXPECT_EQ(proxy_->faults_injected(), 2u);
}

TEST_F(AzuriteFaultTest, MultiBlockUploadSurvivesRandomFaults) {
  auto f = NewFs(faulty_, 1 << 20);
  const std::string data = Random((4 << 20) + 77, 11);
  proxy_->Randomize(
      0.3, {Fault::kStatus500, Fault::kStatus503, Fault::kResetBeforeResponse},
      1234);
  auto file = Run(f->Open(P("r"), fs::OpenOptions::Overwrite()));
  ASSERT_TRUE(file.ok()) << file.status().ToString();
  ASSERT_TRUE(Run((*file)->Write(Bytes(data))).ok());
  Status closed = Run((*file)->Close());
  proxy_->Randomize(0, {}, 0);
  ASSERT_TRUE(closed.ok()) << closed.ToString();
  EXPECT_GT(proxy_->faults_injected(), 0u);
  EXPECT_TRUE(*GetAll(*client_, "r") == data);
}

TEST_F(AzuriteFaultTest, PermanentFaultsFailCleanly) {
  auto f = NewFs(doomed_, 1 << 20);
  auto file = Run(f->Open(P("never"), fs::OpenOptions::Overwrite()));
  ASSERT_TRUE(file.ok());
  ASSERT_TRUE(Run((*file)->Write(Bytes(Random(1 << 20, 12)))).ok());
  proxy_->Randomize(1.0, {Fault::kStatus503}, 1);
  // Fails here (a batch of blocks) or at Close: either way cleanly.
  Run((*file)->Write(Bytes(Random(3 << 20, 13)))).IgnoreError();
  Status closed = Run((*file)->Close());
  proxy_->Randomize(0, {}, 0);
  EXPECT_EQ(closed.code(), StatusCode::kUnavailable) << closed.ToString();
  EXPECT_TRUE(closed.retryable());
  EXPECT_THAT(std::string(closed.message()), HasSubstr("never"));
  // Nothing half-written is visible.
  EXPECT_EQ(Run(client_->GetProperties(container_, "never")).status().code(),
            StatusCode::kNotFound);
}

// A committed conditional write whose answer is lost is retried and resolved
// (write id / append position), never reported as the caller's conflict and
// never applied twice.
TEST_F(AzuriteFaultTest, LostAnswersOfConditionalWritesResolve) {
  PutOptions po;
  po.if_none_match = "*";
  proxy_->Script({Fault::kResetMidBody});
  auto put = Run(faulty_->Put(container_, "once", Bytes("data"), po));
  ASSERT_TRUE(put.ok()) << put.status().ToString();
  EXPECT_EQ(*GetAll(*client_, "once"), "data");
  ASSERT_TRUE(Run(client_->CreateAppendBlob(container_, "log")).ok());
  proxy_->Script({Fault::kResetMidBody});
  auto app =
      Run(faulty_->AppendBlock(container_, "log", Bytes("abc"), uint64_t{0}));
  ASSERT_TRUE(app.ok()) << app.status().ToString();
  EXPECT_EQ(*GetAll(*client_, "log"), "abc");
}

}  // namespace
}  // namespace strata::azure
