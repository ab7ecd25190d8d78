// Blocking HTTP/1.1 wire helpers shared by the test server and the fault
// proxy: a buffered socket reader that splits heads and bodies, head
// parsers, and socket utilities. Test-only code; not hardened against
// hostile peers beyond staying memory-safe (limits on head size).
//
// Thread-safety: a SocketReader belongs to one thread; the free functions
// are thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "strata/http/client.h"

namespace strata::http::testing::wire {

// Reads from a blocking socket with an internal buffer.
class SocketReader {
 public:
  explicit SocketReader(int fd) : fd_(fd) {}
  // Reads up to and including the blank line ending a head; the returned
  // head excludes the final "\r\n\r\n". False on EOF/error/oversize.
  bool ReadHead(std::string* head);
  // Appends exactly n bytes to *out (or fewer if the peer closes: false).
  bool ReadExact(size_t n, std::string* out);
  // Appends a chunked body (de-chunked) to *out, consuming trailers. When
  // `raw` is set, the chunked bytes as received are appended to it too.
  bool ReadChunked(std::string* out, std::string* raw = nullptr);
  // Appends everything until EOF.
  void ReadToEof(std::string* out);

 private:
  bool Fill();
  bool ReadLine(std::string* line);  // without CRLF

  int fd_;
  std::string buf_;
  size_t pos_ = 0;
};

struct RequestHead {
  std::string method;
  std::string target;
  std::string version;
  Headers headers;  // names lower-cased, values trimmed
};
struct ResponseHead {
  int status = 0;
  std::string reason;
  Headers headers;
};

bool ParseRequestHead(std::string_view head, RequestHead* out);
bool ParseResponseHead(std::string_view head, ResponseHead* out);
// Parses "name: value" lines (after the first line) into lower-cased names.
bool ParseHeaderLines(std::string_view lines, Headers* out);
std::string Lower(std::string_view s);
// Content-Length value if present and valid; nullopt if absent; sets *bad
// when present but malformed.
std::optional<uint64_t> ContentLength(const Headers& h, bool* bad);
bool IsChunked(const Headers& h);
std::string_view ReasonPhrase(int status);

// Writes everything; false on error.
bool WriteAll(int fd, std::string_view data);
// Aborts the connection with a TCP RST (SO_LINGER 0) and closes fd.
void ResetAndClose(int fd);
// Connects to host:port (blocking); -1 on failure.
int ConnectTo(const std::string& host, uint16_t port);
// Creates a listening socket on 127.0.0.1:0; returns fd and sets *port.
int ListenLoopback(uint16_t* port);

}  // namespace strata::http::testing::wire
