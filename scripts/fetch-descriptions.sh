#!/usr/bin/env bash
# Fetches Microsoft's published OpenAPI descriptions of Graph v1.0 (the files
# that Microsoft's PowerShell SDK is generated from) and Microsoft's
# permissions file into ../shared/graph/, where the tests that need them look.
# Without them those tests say they were skipped; with them the whole suite
# runs, as in CI.
#
#   scripts/fetch-descriptions.sh [DIR]     # DIR defaults to ../shared
#
# The descriptions change as Microsoft publishes them: a fetch today can
# differ from the snapshot CI tests against. REF picks another branch or
# commit of msgraph-sdk-powershell (default: dev).
set -euo pipefail
cd "$(dirname "$0")/.."

dir=${1:-../shared}
ref=${REF:-dev}
descriptions="https://raw.githubusercontent.com/microsoftgraph/msgraph-sdk-powershell/$ref/openApiDocs/v1.0"
permissions="https://raw.githubusercontent.com/microsoftgraph/microsoft-graph-devx-content/master/permissions/new/permissions.json"

modules=(
    Applications Bookings Calendar ChangeNotifications CloudCommunications Compliance
    CrossDeviceExperiences DeviceManagement DeviceManagement.Actions
    DeviceManagement.Administration DeviceManagement.Enrollment DeviceManagement.Functions
    Devices.CloudPrint Devices.CorporateManagement Devices.ServiceAnnouncement DirectoryObjects
    Education Files Groups Identity.DirectoryManagement Identity.Governance Identity.Partner
    Identity.SignIns Mail Notes People PersonalContacts Planner Reports SchemaExtensions Search
    Security Sites Teams Users Users.Actions Users.Functions
)

mkdir -p "$dir/graph/v1.0"
for module in "${modules[@]}"; do
    echo "fetching $module.yml"
    curl --fail --silent --show-error --location --retry 3 \
        --output "$dir/graph/v1.0/$module.yml" "$descriptions/$module.yml"
done
echo "fetching permissions.json"
curl --fail --silent --show-error --location --retry 3 --output "$dir/graph/permissions.json" "$permissions"
echo "done: $dir/graph"
