#!/bin/sh
# Subscribes BlobCreated events of warehouse-drops to the app's blob extension webhook, after the code is
# deployed (Event Grid validates the webhook on creation; only the running blob trigger answers).
# Idempotent: re-running updates the same subscription. Used by `azd deploy` (postdeploy hook) and by
# .github/workflows/deploy.yml, with the outputs of main.bicep in the environment.
set -eu

: "${AZURE_RESOURCE_GROUP:?set by main.bicep outputs}"
: "${AZURE_FUNCTION_APP_NAME:?set by main.bicep outputs}"
: "${FUNCTION_APP_HOSTNAME:?set by main.bicep outputs}"
: "${FEED_SYSTEM_TOPIC_NAME:?set by main.bicep outputs}"
: "${FEED_STORAGE_ACCOUNT:?set by main.bicep outputs}"

here=$(cd "$(dirname "$0")/.." && pwd)

# The blob-trigger function's name, unless given: the one function with a blobTrigger binding.
fn=${FEED_BLOB_FUNCTION_NAME:-}
if [ -z "$fn" ]; then
  fn=$(az functionapp function list -g "$AZURE_RESOURCE_GROUP" -n "$AZURE_FUNCTION_APP_NAME" \
    --query "[?config.bindings[?type=='blobTrigger']].name | [0]" -o tsv)
  fn=${fn##*/}
fi
if [ -z "$fn" ]; then
  echo "postdeploy: no blob-trigger function in $AZURE_FUNCTION_APP_NAME; is the code deployed?" >&2
  exit 1
fi

# The host creates the blobs_extension system key when the Event Grid blob trigger first loads.
key=''
attempt=0
while [ -z "$key" ] && [ "$attempt" -lt 30 ]; do
  key=$(az functionapp keys list -g "$AZURE_RESOURCE_GROUP" -n "$AZURE_FUNCTION_APP_NAME" \
    --query systemKeys.blobs_extension -o tsv 2>/dev/null || true)
  [ -n "$key" ] || { attempt=$((attempt + 1)); sleep 10; }
done
if [ -z "$key" ]; then
  echo "postdeploy: the host has no blobs_extension key after 5 minutes" >&2
  exit 1
fi
[ -z "${GITHUB_ACTIONS:-}" ] || echo "::add-mask::$key"

# The key goes in a private temporary parameters file, never on a command line or in the logs.
umask 077
params=$(mktemp)
trap 'rm -f "$params"' EXIT
cat >"$params" <<JSON
{
  "\$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentParameters.json#",
  "contentVersion": "1.0.0.0",
  "parameters": {
    "systemTopicName": { "value": "$FEED_SYSTEM_TOPIC_NAME" },
    "functionAppHostName": { "value": "$FUNCTION_APP_HOSTNAME" },
    "blobTriggerFunctionName": { "value": "$fn" },
    "deadLetterStorageName": { "value": "$FEED_STORAGE_ACCOUNT" },
    "blobsExtensionKey": { "value": "$key" }
  }
}
JSON

az deployment group create -g "$AZURE_RESOURCE_GROUP" -n feed-event-subscription \
  -f "$here/modules/feedEventSubscription.bicep" -p "@$params" --only-show-errors -o none
echo "postdeploy: warehouse-drops BlobCreated → $fn"
