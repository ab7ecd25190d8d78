// az:// URI query parameters → AzureFileSystemOptions. Private to
// src/azure (RegisterSchemes uses it; tests check what it parses).
//
// Parameters (each overrides the AZURE_STORAGE_* environment): account,
// account_key (alias key), sas_token (alias sas), connection_string,
// endpoint. Error messages name the URI without its query, so secrets never
// reach them.
//
// Thread-safety: a pure function.
#pragma once
#include "strata/azure/azure_fs.h"
#include "strata/core/result.h"
#include "strata/fs/registry.h"

namespace strata::azure {

// kInvalidArgument naming the parameter for an unknown one, or for one
// given twice under its two names with different values.
Result<AzureFileSystemOptions> AzureOptionsFromUri(const fs::Uri& uri);

}  // namespace strata::azure
