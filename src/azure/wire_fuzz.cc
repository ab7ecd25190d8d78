// libFuzzer target for the Azure Blob response decoders: List Blobs, Get
// Block List, the <Error> document (through MapAzureError), Content-Range
// style dates and the connection-string parser.
//
// Byte 0 selects the decoder; the rest is the untrusted input. Invariants
// (abort on violation): no crash; a parsed listing only holds non-empty
// names; a mapped error is never OK and always names the object.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "azure/wire.h"
#include "strata/azure/client.h"
#include "strata/azure/config.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace strata::azure;
  if (size == 0) return 0;
  std::string_view in(reinterpret_cast<const char*>(data + 1), size - 1);
  switch (data[0] % 5) {
    case 0: {
      auto r = wire::ParseListBlobs(in);
      if (r.ok()) {
        for (const auto& b : r->blobs) {
          if (b.name.empty()) std::abort();
        }
        for (const auto& p : r->prefixes) {
          if (p.empty()) std::abort();
        }
      }
      break;
    }
    case 1: {
      auto r = wire::ParseBlockList(in);
      if (r.ok()) {
        for (const auto& b : *r) {
          if (b.id.empty()) std::abort();
        }
      }
      break;
    }
    case 2: {
      int http = 400 + (size > 1 ? data[1] % 200 : 0);
      strata::Status st = MapAzureError(http, "", in, "GET az://c/b", "rid");
      if (st.ok()) std::abort();
      if (std::string_view(st.message()).find("az://c/b") ==
          std::string_view::npos) {
        std::abort();
      }
      break;
    }
    case 3:
      (void)wire::ParseHttpDate(in);
      break;
    default:
      (void)ParseConnectionString(in);
      break;
  }
  return 0;
}
