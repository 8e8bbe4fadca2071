# Okta as code for examples/portcullis.yaml: the groups its rules name, the rules that fill some of
# them, a custom authorization server whose access tokens carry those groups, its scopes and
# access policy, a browser app for people and a service app for the reporting service.
# Documentation: nothing here runs in CI. See README.md.

locals {
  # Every group that a rule of examples/portcullis.yaml names, and nothing else: the groups claim
  # below is filtered to exactly these names.
  portcullis_groups = {
    "orders-readers" = "Read orders: GET and HEAD on /orders/**. Filled by the orders-readers group rule."
    "orders-admins"  = "Change orders: POST, PUT, PATCH and DELETE on /orders/**. Members are added by hand."
    "analysts"       = "Read reports: GET on /reports/**. Filled by the analysts group rule."
    "admins"         = "The admin console (/admin/**), with department = security. Members are added by hand."
    "suspended"      = "Refused by every Portcullis route (deny entries), whatever the other groups say."
  }

  # The groups through which people may get tokens at all (suspended grants nothing).
  access_groups = ["orders-readers", "orders-admins", "analysts", "admins"]

  # Anchored alternation of exact names: a group named orders-readers-old, or a 101st group that a
  # user happens to be in, never reaches a token (Okta fails a token request whose groups claim
  # would hold more than 100 groups).
  groups_claim_regex = "^(${join("|", keys(local.portcullis_groups))})$"

  scopes = {
    "orders.read"  = "Read orders (service clients; people are authorized by group)."
    "reports.read" = "Read reports (service clients)."
  }

  # Okta Expression Language; jsonencode() writes each department as a quoted, escaped string.
  analysts_rule       = "user.department == ${jsonencode(var.analysts_department)}"
  orders_readers_rule = join(" OR ", [for d in var.orders_reader_departments : "user.department == ${jsonencode(d)}"])
}

# --- Groups and the rules that fill them -------------------------------------------------------------

resource "okta_group" "portcullis" {
  for_each = local.portcullis_groups

  name        = each.key
  description = each.value
}

# A group rule adds every active user whose profile matches to the group, and removes them when it
# no longer matches (on a profile change, an import, or a change of the rule). The token carries the
# new membership only when it is next issued: see README.md.
resource "okta_group_rule" "analysts" {
  name              = "portcullis analysts by department"
  status            = "ACTIVE"
  group_assignments = [okta_group.portcullis["analysts"].id]
  expression_type   = "urn:okta:expression:1.0"
  expression_value  = local.analysts_rule

  # Destroying the rule takes its members out of the group again, rather than leaving access behind.
  remove_assigned_users = true
}

resource "okta_group_rule" "orders_readers" {
  name                  = "portcullis orders-readers by department"
  status                = "ACTIVE"
  group_assignments     = [okta_group.portcullis["orders-readers"].id]
  expression_type       = "urn:okta:expression:1.0"
  expression_value      = local.orders_readers_rule
  remove_assigned_users = true
}

# --- The authorization server ---------------------------------------------------------------------

# A custom authorization server: only its access tokens can be validated by a resource server
# (the org authorization server's are for Okta's own APIs, and Portcullis refuses that issuer).
resource "okta_auth_server" "portcullis" {
  name        = var.auth_server_name
  description = "Access tokens for the APIs behind Portcullis."
  audiences   = [var.audience]

  # Okta rotates the signing key about four times a year, publishing the new key first;
  # Portcullis follows the keys endpoint (Cache-Control, and a refetch on an unknown kid).
  credentials_rotation_mode = "AUTO"
}

resource "okta_auth_server_scope" "portcullis" {
  for_each = local.scopes

  auth_server_id   = okta_auth_server.portcullis.id
  name             = each.key
  description      = each.value
  consent          = "IMPLICIT"
  metadata_publish = "ALL_CLIENTS"
}

# The groups claim in the access token (claim_type RESOURCE; IDENTITY would be the ID token, which
# Portcullis never sees). Its name is the issuer's groups_claim in portcullis.yaml.
resource "okta_auth_server_claim" "groups" {
  auth_server_id          = okta_auth_server.portcullis.id
  name                    = "groups"
  claim_type              = "RESOURCE"
  value_type              = "GROUPS"
  group_filter_type       = "REGEX"
  value                   = local.groups_claim_regex
  always_include_in_token = true
}

# claims: { department: [security] } on the admin route. Lower-cased so that the exact comparison in
# Portcullis does not depend on how HR capitalises department names.
resource "okta_auth_server_claim" "department" {
  auth_server_id          = okta_auth_server.portcullis.id
  name                    = "department"
  claim_type              = "RESOURCE"
  value_type              = "EXPRESSION"
  value                   = "user.department != null ? String.toLowerCase(user.department) : null"
  always_include_in_token = true
}

# claims: { employment_type: [contractor] } on the reports route's deny entry, from the profile's
# userType (e.g. "Employee", "Contractor").
resource "okta_auth_server_claim" "employment_type" {
  auth_server_id          = okta_auth_server.portcullis.id
  name                    = "employment_type"
  claim_type              = "RESOURCE"
  value_type              = "EXPRESSION"
  value                   = "user.userType != null ? String.toLowerCase(user.userType) : null"
  always_include_in_token = true
}

# --- Clients ----------------------------------------------------------------------------------------

# People sign in through a browser app: authorization code with PKCE, no client secret.
resource "okta_app_oauth" "console" {
  label                      = "Portcullis console"
  type                       = "browser"
  grant_types                = ["authorization_code", "refresh_token"]
  response_types             = ["code"]
  token_endpoint_auth_method = "none"
  pkce_required              = true
  redirect_uris              = var.console_redirect_uris
  post_logout_redirect_uris  = var.console_post_logout_redirect_uris

  # A reused refresh token invalidates its whole family; 30 s of grace for concurrent tabs.
  refresh_token_rotation = "ROTATE"
  refresh_token_leeway   = 30
}

# Who may sign in to the console at all. Authorization stays in Portcullis's rules.
resource "okta_app_group_assignments" "console" {
  app_id = okta_app_oauth.console.id

  dynamic "group" {
    for_each = local.access_groups
    content {
      id = okta_group.portcullis[group.value].id
    }
  }
}

# The reporting service calls the APIs as itself: client credentials, so its tokens carry scp
# (orders.read, reports.read) and no groups. Portcullis's rules for it use scopes_any / scopes_all.
resource "okta_app_oauth" "reporting_service" {
  label                      = "reporting-service"
  type                       = "service"
  grant_types                = ["client_credentials"]
  response_types             = ["token"]
  token_endpoint_auth_method = "client_secret_basic"
}

# --- Access policy: who gets which tokens, for how long ----------------------------------------------

resource "okta_auth_server_policy" "portcullis" {
  auth_server_id   = okta_auth_server.portcullis.id
  name             = "portcullis clients"
  description      = "The console (people) and the reporting service (client credentials)."
  priority         = 1
  client_whitelist = concat([okta_app_oauth.console.client_id, okta_app_oauth.reporting_service.client_id],
  okta_app_oauth.gate[*].client_id)
}

resource "okta_auth_server_policy_rule" "people" {
  auth_server_id       = okta_auth_server.portcullis.id
  policy_id            = okta_auth_server_policy.portcullis.id
  name                 = "people"
  priority             = 1
  grant_type_whitelist = ["authorization_code"]
  group_whitelist      = [for g in local.access_groups : okta_group.portcullis[g].id]
  scope_whitelist      = ["openid", "profile", "email", "offline_access"]

  # Short access tokens: a group change reaches Portcullis at the next issuance, at most this late.
  access_token_lifetime_minutes  = var.user_access_token_minutes
  refresh_token_lifetime_minutes = var.refresh_token_minutes
  refresh_token_window_minutes   = var.refresh_token_idle_minutes
}

resource "okta_auth_server_policy_rule" "services" {
  auth_server_id                = okta_auth_server.portcullis.id
  policy_id                     = okta_auth_server_policy.portcullis.id
  name                          = "services"
  priority                      = 2
  grant_type_whitelist          = ["client_credentials"]
  group_whitelist               = ["EVERYONE"]
  scope_whitelist               = [for s in okta_auth_server_scope.portcullis : s.name]
  access_token_lifetime_minutes = var.service_access_token_minutes

  # The provider asks for rules of one policy to be created in priority order.
  depends_on = [okta_auth_server_policy_rule.people]
}
