#!/usr/bin/env bash
# Registers the metering API in Microsoft Entra ID, once per environment, and prints its client id for the deployment
# (METRICS_API_CLIENT_ID, infra/main.*.bicepparam). Bicep cannot create app registrations, so this is a script; run it
# signed in with `az login` as someone who may create applications.
#
#   infra/entra/register-app.sh NAME IDENTITY_PRINCIPAL_ID [FUNCTION_APP_HOST]
#
# NAME                   display name, e.g. metrics-prod
# IDENTITY_PRINCIPAL_ID  object id of the function app's user-assigned identity (the deployment's identity module):
#                        App Service authentication signs in as it through a federated credential, so no client
#                        secret exists anywhere
# FUNCTION_APP_HOST      the app's host name, once deployed: the browser sign-in's redirect URI
#
# It creates the app with the four app roles of app-roles.json (docs/security.md), the identifier URI api://CLIENT_ID,
# its service principal with role assignment required (only users and applications given a role can sign in at all),
# and the federated credential. Assign roles in Enterprise applications > NAME > Users and groups.
set -euo pipefail

name="${1:?usage: register-app.sh NAME IDENTITY_PRINCIPAL_ID [FUNCTION_APP_HOST]}"
identity="${2:?usage: register-app.sh NAME IDENTITY_PRINCIPAL_ID [FUNCTION_APP_HOST]}"
host="${3:-}"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
tenant="$(az account show --query tenantId -o tsv)"

client_id="$(az ad app create --display-name "$name" --sign-in-audience AzureADMyOrg \
  --app-roles "@$here/app-roles.json" --enable-id-token-issuance true --query appId -o tsv)"
az ad app update --id "$client_id" --identifier-uris "api://$client_id"
if [[ -n "$host" ]]; then
  az ad app update --id "$client_id" --web-redirect-uris "https://$host/.auth/login/aad/callback"
fi

az ad sp create --id "$client_id" >/dev/null
az ad sp update --id "$client_id" --set appRoleAssignmentRequired=true

az ad app federated-credential create --id "$client_id" --parameters "$(cat <<JSON
{"name": "function-app-identity", "issuer": "https://login.microsoftonline.com/$tenant/v2.0",
 "subject": "$identity", "audiences": ["api://AzureADTokenExchange"],
 "description": "App Service authentication of the metering Function App signs in as its managed identity"}
JSON
)"

echo "$client_id"
