// Blocking HTTP/1.1 wire helpers for the test server and fault proxy.

#include "http/testing/wire.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstring>

namespace strata::http::testing::wire {
namespace {

constexpr size_t kMaxHead = 1 << 20;

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) {
    s.remove_prefix(1);
  }
  while (!s.empty() &&
         (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) {
    s.remove_suffix(1);
  }
  return s;
}

}  // namespace

bool SocketReader::Fill() {
  if (pos_ > 0 && pos_ == buf_.size()) {
    buf_.clear();
    pos_ = 0;
  }
  char tmp[65536];
  for (;;) {
    ssize_t n = ::recv(fd_, tmp, sizeof(tmp), 0);
    if (n > 0) {
      buf_.append(tmp, static_cast<size_t>(n));
      return true;
    }
    if (n < 0 && errno == EINTR) continue;
    return false;
  }
}

bool SocketReader::ReadHead(std::string* head) {
  for (;;) {
    size_t end = buf_.find("\r\n\r\n", pos_);
    if (end != std::string::npos) {
      head->assign(buf_, pos_, end - pos_);
      pos_ = end + 4;
      return true;
    }
    if (buf_.size() - pos_ > kMaxHead) return false;
    if (!Fill()) return false;
  }
}

bool SocketReader::ReadExact(size_t n, std::string* out) {
  while (n > 0) {
    if (pos_ == buf_.size() && !Fill()) return false;
    size_t take = std::min(n, buf_.size() - pos_);
    out->append(buf_, pos_, take);
    pos_ += take;
    n -= take;
  }
  return true;
}

bool SocketReader::ReadLine(std::string* line) {
  for (;;) {
    size_t end = buf_.find("\r\n", pos_);
    if (end != std::string::npos) {
      line->assign(buf_, pos_, end - pos_);
      pos_ = end + 2;
      return true;
    }
    if (buf_.size() - pos_ > kMaxHead) return false;
    if (!Fill()) return false;
  }
}

bool SocketReader::ReadChunked(std::string* out, std::string* raw) {
  std::string line;
  for (;;) {
    if (!ReadLine(&line)) return false;
    if (raw) raw->append(line).append("\r\n");
    std::string_view size_part =
        Trim(std::string_view(line).substr(0, line.find(';')));
    uint64_t size = 0;
    auto [p, ec] = std::from_chars(
        size_part.data(), size_part.data() + size_part.size(), size, 16);
    if (ec != std::errc() || size_part.empty() ||
        p != size_part.data() + size_part.size()) {
      return false;
    }
    if (size == 0) break;
    std::string data;
    if (!ReadExact(size, &data) || !ReadLine(&line) || !line.empty()) {
      return false;
    }
    if (raw) raw->append(data).append("\r\n");
    out->append(data);
  }
  for (;;) {  // trailers up to the blank line
    if (!ReadLine(&line)) return false;
    if (raw) raw->append(line).append("\r\n");
    if (line.empty()) return true;
  }
}

void SocketReader::ReadToEof(std::string* out) {
  out->append(buf_, pos_, std::string::npos);
  pos_ = buf_.size();
  while (Fill()) {
    out->append(buf_, pos_, std::string::npos);
    pos_ = buf_.size();
  }
}

std::string Lower(std::string_view s) {
  std::string r(s);
  for (char& c : r) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return r;
}

bool ParseHeaderLines(std::string_view lines, Headers* out) {
  while (!lines.empty()) {
    size_t eol = lines.find("\r\n");
    std::string_view line = lines.substr(0, eol);
    lines = eol == std::string_view::npos ? std::string_view()
                                          : lines.substr(eol + 2);
    if (line.empty()) continue;
    size_t colon = line.find(':');
    if (colon == std::string_view::npos || colon == 0) return false;
    out->emplace_back(Lower(Trim(line.substr(0, colon))),
                      std::string(Trim(line.substr(colon + 1))));
  }
  return true;
}

bool ParseRequestHead(std::string_view head, RequestHead* out) {
  size_t eol = head.find("\r\n");
  std::string_view first = head.substr(0, eol);
  size_t s1 = first.find(' ');
  size_t s2 = first.rfind(' ');
  if (s1 == std::string_view::npos || s2 == s1) return false;
  out->method = std::string(first.substr(0, s1));
  out->target = std::string(first.substr(s1 + 1, s2 - s1 - 1));
  out->version = std::string(first.substr(s2 + 1));
  if (eol == std::string_view::npos) return true;
  return ParseHeaderLines(head.substr(eol + 2), &out->headers);
}

bool ParseResponseHead(std::string_view head, ResponseHead* out) {
  size_t eol = head.find("\r\n");
  std::string_view first = head.substr(0, eol);
  if (first.size() < 12 || first.substr(0, 5) != "HTTP/") return false;
  size_t s1 = first.find(' ');
  if (s1 == std::string_view::npos || first.size() < s1 + 4) return false;
  std::string_view code = first.substr(s1 + 1, 3);
  auto [p, ec] = std::from_chars(code.data(), code.data() + 3, out->status);
  if (ec != std::errc() || p != code.data() + 3) return false;
  out->reason = first.size() > s1 + 5 ? std::string(first.substr(s1 + 5)) : "";
  if (eol == std::string_view::npos) return true;
  return ParseHeaderLines(head.substr(eol + 2), &out->headers);
}

std::optional<uint64_t> ContentLength(const Headers& h, bool* bad) {
  *bad = false;
  auto v = FindHeader(h, "content-length");
  if (!v) return std::nullopt;
  uint64_t n = 0;
  auto [p, ec] = std::from_chars(v->data(), v->data() + v->size(), n);
  if (ec != std::errc() || v->empty() || p != v->data() + v->size()) {
    *bad = true;
    return std::nullopt;
  }
  return n;
}

bool IsChunked(const Headers& h) {
  auto v = FindHeader(h, "transfer-encoding");
  return v && Lower(*v).find("chunked") != std::string::npos;
}

std::string_view ReasonPhrase(int status) {
  switch (status) {
    case 100:
      return "Continue";
    case 200:
      return "OK";
    case 201:
      return "Created";
    case 204:
      return "No Content";
    case 206:
      return "Partial Content";
    case 304:
      return "Not Modified";
    case 400:
      return "Bad Request";
    case 403:
      return "Forbidden";
    case 404:
      return "Not Found";
    case 409:
      return "Conflict";
    case 412:
      return "Precondition Failed";
    case 416:
      return "Range Not Satisfiable";
    case 429:
      return "Too Many Requests";
    case 500:
      return "Internal Server Error";
    case 501:
      return "Not Implemented";
    case 503:
      return "Service Unavailable";
    default:
      return "Status";
  }
}

bool WriteAll(int fd, std::string_view data) {
  while (!data.empty()) {
    ssize_t n = ::send(fd, data.data(), data.size(), MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    data.remove_prefix(static_cast<size_t>(n));
  }
  return true;
}

void ResetAndClose(int fd) {
  struct linger lg;
  lg.l_onoff = 1;
  lg.l_linger = 0;
  ::setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
  ::close(fd);
}

int ConnectTo(const std::string& host, uint16_t port) {
  struct addrinfo hints;
  std::memset(&hints, 0, sizeof(hints));
  hints.ai_family = AF_INET;
  hints.ai_socktype = SOCK_STREAM;
  struct addrinfo* res = nullptr;
  std::string port_str = std::to_string(port);
  if (::getaddrinfo(host.c_str(), port_str.c_str(), &hints, &res) != 0) {
    return -1;
  }
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd >= 0 && ::connect(fd, res->ai_addr, res->ai_addrlen) != 0) {
    ::close(fd);
    fd = -1;
  }
  ::freeaddrinfo(res);
  if (fd >= 0) {
    int one = 1;
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
  }
  return fd;
}

int ListenLoopback(uint16_t* port) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  int one = 1;
  ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
  struct sockaddr_in addr;
  std::memset(&addr, 0, sizeof(addr));
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  socklen_t len = sizeof(addr);
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0 ||
      ::listen(fd, 512) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    ::close(fd);
    return -1;
  }
  *port = ntohs(addr.sin_port);
  return fd;
}

}  // namespace strata::http::testing::wire
