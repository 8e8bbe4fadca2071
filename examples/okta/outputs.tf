output "issuer" {
  description = "The authorization server's issuer: issuers[].issuer in portcullis.yaml."
  value       = okta_auth_server.portcullis.issuer
}

output "audience" {
  description = "The tokens' aud: issuers[].audiences in portcullis.yaml."
  value       = var.audience
}

output "keys_url" {
  description = "The JWKS that Portcullis discovers (set issuers[].jwks_uri only to skip discovery)."
  value       = "${okta_auth_server.portcullis.issuer}/v1/keys"
}

output "console_client_id" {
  description = "Client id of the browser app (authorization code + PKCE)."
  value       = okta_app_oauth.console.client_id
}

output "reporting_service_client_id" {
  description = "Client id of the reporting service (client credentials)."
  value       = okta_app_oauth.reporting_service.client_id
}

output "reporting_service_client_secret" {
  description = "Client secret of the reporting service. It is also in the Terraform state: keep the state private."
  value       = okta_app_oauth.reporting_service.client_secret
  sensitive   = true
}

output "portcullis_issuer_yaml" {
  description = "The issuers entry for portcullis.yaml (replaces the example's /oauth2/default issuer)."
  value       = <<-EOT
    issuers:
      - id: okta
        issuer: ${okta_auth_server.portcullis.issuer}
        audiences: [${var.audience}]
        groups_claim: ${okta_auth_server_claim.groups.name}
        max_token_lifetime: ${max(var.user_access_token_minutes, var.service_access_token_minutes)}m
  EOT
}
