#!/usr/bin/env bash
# The API's app registration in Microsoft Entra ID, which Bicep cannot create. Run signed in with `az login` as someone
# who may create applications; once per environment, in two steps around the deployment (infra/README.md, "Deploy"):
#
#   infra/entra/register-app.sh create NAME
#       creates the app with the four app roles of app-roles.json (docs/security.md), the identifier URI
#       api://CLIENT_ID and its service principal with role assignment required (only users and applications given a
#       role can sign in at all); prints CLIENT_ID for METRICS_API_CLIENT_ID
#
#   infra/entra/register-app.sh trust CLIENT_ID IDENTITY_PRINCIPAL_ID FUNCTION_APP_HOST
#       after the deployment: lets App Service authentication sign in as the function app's managed identity (a
#       federated credential, so no client secret exists anywhere) and sets the browser sign-in's redirect URI
#
# Then assign roles in Enterprise applications > NAME > Users and groups (or `az rest` to appRoleAssignedTo).
set -euo pipefail

usage() {
  echo "usage: register-app.sh create NAME | trust CLIENT_ID IDENTITY_PRINCIPAL_ID FUNCTION_APP_HOST" >&2
  exit 2
}

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
case "${1:-}" in
  create)
    [[ $# -eq 2 ]] || usage
    client_id="$(az ad app create --display-name "$2" --sign-in-audience AzureADMyOrg \
      --app-roles "@$here/app-roles.json" --enable-id-token-issuance true --query appId -o tsv)"
    az ad app update --id "$client_id" --identifier-uris "api://$client_id"
    az ad sp create --id "$client_id" >/dev/null
    az ad sp update --id "$client_id" --set appRoleAssignmentRequired=true
    echo "$client_id"
    ;;
  trust)
    [[ $# -eq 4 ]] || usage
    tenant="$(az account show --query tenantId -o tsv)"
    az ad app federated-credential create --id "$2" --parameters "$(cat <<JSON
{"name": "function-app-identity", "issuer": "https://login.microsoftonline.com/$tenant/v2.0",
 "subject": "$3", "audiences": ["api://AzureADTokenExchange"],
 "description": "App Service authentication of the metering Function App signs in as its managed identity"}
JSON
)"
    az ad app update --id "$2" --web-redirect-uris "https://$4/.auth/login/aad/callback"
    ;;
  *) usage ;;
esac
