# Portcullis's own service app, for groups_source: okta_api | both (README: "Groups from the Okta
# directory"): client credentials with private_key_jwt at the org authorization server, granted
# okta.groups.read and okta.users.read, so the proxy can read a user's groups through the Users API
# (all of them: a token carries at most 100). Created only when the public key is given.
# Documentation: nothing here runs in CI.

variable "directory_public_key" {
  description = <<-EOT
    The public half of Portcullis's okta.service_app.private_key_file, as an RSA JWK's kid and n
    (e is AQAB), e.g. from: openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out key.pem
    and any PEM-to-JWK tool. Null: no directory service app.
  EOT
  type = object({
    kid = string
    n   = string
  })
  default = null
}

resource "okta_app_oauth" "portcullis_directory" {
  count                      = var.directory_public_key == null ? 0 : 1
  label                      = "portcullis-directory"
  type                       = "service"
  grant_types                = ["client_credentials"]
  response_types             = ["token"]
  token_endpoint_auth_method = "private_key_jwt"
  pkce_required              = false

  jwks {
    kty = "RSA"
    kid = var.directory_public_key.kid
    e   = "AQAB"
    n   = var.directory_public_key.n
  }
}

# The Okta API scopes (of the org authorization server, not the custom one above).
resource "okta_app_oauth_api_scope" "portcullis_directory" {
  count  = var.directory_public_key == null ? 0 : 1
  app_id = okta_app_oauth.portcullis_directory[0].id
  issuer = "https://${var.org_name}.${var.base_url}"
  scopes = ["okta.groups.read", "okta.users.read"]
}

# Orgs that ask service apps for an admin role: read-only is enough to list users' groups.
resource "okta_app_oauth_role_assignment" "portcullis_directory" {
  count     = var.directory_public_key == null ? 0 : 1
  client_id = okta_app_oauth.portcullis_directory[0].client_id
  type      = "READ_ONLY_ADMIN"
}

output "directory_client_id" {
  description = "okta.service_app.client_id for Portcullis (null without directory_public_key)."
  value       = var.directory_public_key == null ? null : okta_app_oauth.portcullis_directory[0].client_id
}
