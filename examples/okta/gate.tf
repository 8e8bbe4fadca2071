# The web app Portcullis signs browsers in as (README: "Signing in and out"), for routes with
# login: browser. Created only when gate_url is set. Documentation: nothing here runs in CI.
#
# A confidential Web app: authorization code with PKCE and refresh tokens, rotated at every use
# (Portcullis stores each new one). Its client secret goes into the file issuers[].client.client_secret_file
# names: terraform output -raw gate_client_secret > /etc/portcullis/okta-client-secret

variable "gate_url" {
  description = "The gate's public origin, https://<host> (no path). Null: no sign-in app."
  type        = string
  default     = null

  validation {
    condition     = var.gate_url == null || can(regex("^https://[^/]+$", var.gate_url))
    error_message = "An https origin without a path, e.g. https://gate.example.com."
  }
}

resource "okta_app_oauth" "gate" {
  count                      = var.gate_url == null ? 0 : 1
  label                      = "Portcullis gate"
  type                       = "web"
  grant_types                = ["authorization_code", "refresh_token"]
  response_types             = ["code"]
  token_endpoint_auth_method = "client_secret_basic"
  pkce_required              = true
  redirect_uris              = ["${var.gate_url}/.portcullis/callback"]
  post_logout_redirect_uris  = ["${var.gate_url}/"]

  refresh_token_rotation = "ROTATE"
  refresh_token_leeway   = 30
}

# Who may sign in through the gate at all; what they reach stays in Portcullis's rules.
resource "okta_app_group_assignments" "gate" {
  count  = var.gate_url == null ? 0 : 1
  app_id = okta_app_oauth.gate[0].id

  dynamic "group" {
    for_each = local.access_groups
    content {
      id = okta_group.portcullis[group.value].id
    }
  }
}

output "gate_client_id" {
  description = "issuers[].client.client_id"
  value       = var.gate_url == null ? null : okta_app_oauth.gate[0].client_id
}

output "gate_client_secret" {
  description = "The content of issuers[].client.client_secret_file."
  value       = var.gate_url == null ? null : okta_app_oauth.gate[0].client_secret
  sensitive   = true
}
