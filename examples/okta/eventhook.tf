# The Event Hook that tells Portcullis of membership changes at once (README: "Okta Event Hook"):
# Okta POSTs these events to the proxy's /.portcullis/okta/events with the shared secret in a header,
# so a removal, a deactivation or a session end refuses the tokens issued before it on the next
# request instead of when they expire. Created only when event_hook_url is set.
# Documentation: nothing here runs in CI.

variable "event_hook_url" {
  description = "Where Okta delivers the events: https://<the proxy's public name>/.portcullis/okta/events. Null: no Event Hook."
  type        = string
  default     = null

  validation {
    condition     = var.event_hook_url == null || can(regex("^https://[^/]+/\\.portcullis/okta/events$", var.event_hook_url))
    error_message = "An https URL ending in /.portcullis/okta/events (Okta delivers only over HTTPS)."
  }
}

variable "event_hook_header" {
  description = "The header Okta sends the secret in: okta.event_hook.secret_header in portcullis.yaml."
  type        = string
  default     = "Authorization"
}

variable "event_hook_secret" {
  description = "The shared secret, the content of okta.event_hook.secret_file. Pass it as TF_VAR_event_hook_secret, never in a file."
  type        = string
  default     = null
  sensitive   = true
}

variable "event_hook_verify" {
  description = "Verify the hook (Okta's one-time GET with X-Okta-Verification-Challenge): only once Portcullis serves the URL."
  type        = bool
  default     = false
}

locals {
  # The event types the gate applies; Okta delivers nothing else to it.
  portcullis_event_types = [
    "group.user_membership.add",
    "group.user_membership.remove",
    "group.lifecycle.delete",
    "group.profile.update",
    "user.lifecycle.activate",
    "user.lifecycle.deactivate",
    "user.lifecycle.suspend",
    "user.lifecycle.unsuspend",
    "user.session.end",
  ]
}

resource "okta_event_hook" "portcullis" {
  count  = var.event_hook_url == null ? 0 : 1
  name   = "portcullis"
  events = local.portcullis_event_types

  channel = {
    type    = "HTTP"
    version = "1.0.0"
    uri     = var.event_hook_url
  }

  auth = {
    type  = "HEADER"
    key   = var.event_hook_header
    value = var.event_hook_secret
  }

  lifecycle {
    precondition {
      condition     = var.event_hook_secret != null && length(coalesce(var.event_hook_secret, "")) >= 32
      error_message = "Set TF_VAR_event_hook_secret to the secret in okta.event_hook.secret_file (32 characters or more)."
    }
  }
}

# Okta sends GET <url> with X-Okta-Verification-Challenge; Portcullis answers {"verification": …}
# and the hook becomes VERIFIED. Until then Okta delivers nothing.
resource "okta_event_hook_verification" "portcullis" {
  count         = var.event_hook_url != null && var.event_hook_verify ? 1 : 0
  event_hook_id = okta_event_hook.portcullis[0].id
}

output "event_hook_id" {
  description = "The Event Hook's id (null when event_hook_url is not set)."
  value       = var.event_hook_url == null ? null : okta_event_hook.portcullis[0].id
}
