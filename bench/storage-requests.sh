#!/usr/bin/env bash
# Counts Azurite's requests by service, method and resource from its debug log, to see what one order costs.
# Usage: AZURITE_DEBUG_LOG=/tmp/azurite.log dotnet run -c Release --project bench/Bench -- --smoke
#        bench/storage-requests.sh /tmp/azurite.log*      (split Azurite writes one log per service: .log-blob, -queue, -table)
set -euo pipefail
cat "${@:?the Azurite debug log(s)}" | grep -o "[A-Za-z]*StorageContextMiddleware: RequestMethod=[A-Z]* RequestURL=[^ ]*" \
  | sed -E 's/StorageContextMiddleware: RequestMethod=/ /; s#RequestURL=http://[^/]*/devstoreaccount1/##; s/\(PartitionKey=[^)]*\)/(key)/; s/\?.*$//;
            s#^(Blob [A-Z]+ [a-z0-9-]+)/.*#\1/{blob}#; s#messages/.*#messages/{id}#' \
  | sort | uniq -c | sort -rn
