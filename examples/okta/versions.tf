terraform {
  required_version = ">= 1.5.0"

  required_providers {
    okta = {
      source  = "okta/okta"
      version = "~> 6.0"
    }
  }
}

# Credentials never live in these files: the provider reads OKTA_API_TOKEN (or, for OAuth for
# Okta, OKTA_API_CLIENT_ID / OKTA_API_PRIVATE_KEY / OKTA_API_PRIVATE_KEY_ID / OKTA_API_SCOPES)
# from the environment.
provider "okta" {
  org_name = var.org_name
  base_url = var.base_url
}
