# A write-only password. The value comes from an ephemeral variable, so it is
# in neither the state nor plan files. To rotate it: change the password in
# Redshift, then run
#
#   TF_VAR_redshift_password=<new> terraform apply -var redshift_password_version=2
#
# (or commit the new version number). Terraform sends password_wo only when
# password_wo_version changes.

variable "redshift_password" {
  description = "Password of the Redshift user awsuser."
  type        = string
  sensitive   = true
  ephemeral   = true
}

variable "redshift_password_version" {
  description = "Increase after changing redshift_password, to send the new value to Immuta."
  type        = number
  default     = 1
}

resource "immuta_integration" "redshift" {
  auto_bootstrap = true

  redshift = {
    host             = "analytics.c9xk2lq4w7ab.us-east-1.redshift.amazonaws.com"
    initial_database = "dev"
    database         = "immuta"

    authentication_type = "userPassword"
    username            = "awsuser"
    password_wo         = var.redshift_password
    password_wo_version = var.redshift_password_version
  }
}
