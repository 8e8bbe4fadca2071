variable "org_name" {
  description = "The Okta org's name: dev-123456 for https://dev-123456.okta.com."
  type        = string
}

variable "base_url" {
  description = "The Okta org's domain without the org name: okta.com, oktapreview.com or okta-emea.com."
  type        = string
  default     = "okta.com"

  validation {
    condition     = contains(["okta.com", "oktapreview.com", "okta-emea.com"], var.base_url)
    error_message = "The base_url is okta.com, oktapreview.com or okta-emea.com."
  }
}

variable "auth_server_name" {
  description = "Name of the custom authorization server that issues the tokens Portcullis checks."
  type        = string
  default     = "portcullis"
}

variable "audience" {
  description = "The access tokens' aud; Portcullis's issuers[].audiences must list it."
  type        = string
  default     = "api://portcullis"
}

variable "user_access_token_minutes" {
  description = "Lifetime of users' access tokens. Also the longest a group change waits to reach Portcullis (see README.md)."
  type        = number
  default     = 15

  validation {
    # Okta allows 5 to 1440; examples/portcullis.yaml refuses tokens that live longer than 1h
    # (max_token_lifetime: 1h), and a long lifetime keeps a removed member in for that long.
    condition     = var.user_access_token_minutes >= 5 && var.user_access_token_minutes <= 60
    error_message = "Between 5 and 60 minutes."
  }
}

variable "service_access_token_minutes" {
  description = "Lifetime of the access tokens of service clients (client credentials)."
  type        = number
  default     = 10

  validation {
    condition     = var.service_access_token_minutes >= 5 && var.service_access_token_minutes <= 60
    error_message = "Between 5 and 60 minutes."
  }
}

variable "refresh_token_minutes" {
  description = "Lifetime of users' refresh tokens: how long a browser session can renew access tokens without a new login."
  type        = number
  default     = 480
}

variable "refresh_token_idle_minutes" {
  description = "A refresh token not used for this long expires. Okta requires it between the access-token and refresh-token lifetimes."
  type        = number
  default     = 60
}

variable "analysts_department" {
  description = "Users whose profile department is this are put into the analysts group by a group rule."
  type        = string
  default     = "Finance"
}

variable "orders_reader_departments" {
  description = "Users of these departments are put into orders-readers by a group rule."
  type        = list(string)
  default     = ["Sales", "Customer Support"]
}

variable "console_redirect_uris" {
  description = "Where Okta may send the browser app's users back after login (authorization code + PKCE)."
  type        = list(string)
  default     = ["http://localhost:5173/login/callback"]
}

variable "console_post_logout_redirect_uris" {
  description = "Where Okta may send the browser app's users after logout."
  type        = list(string)
  default     = ["http://localhost:5173/"]
}
