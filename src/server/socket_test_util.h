// Plain-socket helpers for the server tests: connect to "HOST:PORT" and
// exchange one HTTP/1.1 request with the metrics endpoint.
//
// Thread-safety: free functions; each call uses its own socket.
#pragma once

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdint>
#include <string>

#include "server/metrics_http.h"

namespace strata::server::testing {

// A connected TCP socket to `address` ("127.0.0.1:PORT"); -1 on failure.
inline int ConnectLoopback(const std::string& address) {
  std::string host, port;
  EXPECT_TRUE(SplitHostPort(address, &host, &port).ok());
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(std::stoi(port)));
  ::inet_pton(AF_INET, host.c_str(), &addr.sin_addr);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

// Sends `request` and returns everything the server sent until it closed
// the connection ("" when the connection failed).
inline std::string HttpExchange(const std::string& address,
                                const std::string& request) {
  int fd = ConnectLoopback(address);
  if (fd < 0) return "";
  EXPECT_EQ(::send(fd, request.data(), request.size(), MSG_NOSIGNAL),
            static_cast<ssize_t>(request.size()));
  std::string response;
  char buf[4096];
  ssize_t n;
  while ((n = ::recv(fd, buf, sizeof(buf), 0)) > 0) response.append(buf, n);
  ::close(fd);
  return response;
}

}  // namespace strata::server::testing
