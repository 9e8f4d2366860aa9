# Amazon S3 (with S3 Access Grants) is always set up manually: auto_bootstrap
# must be false, the default. The IAM role and the Access Grants instance
# exist already.

variable "aws_secret_access_key" {
  description = "Secret access key of the IAM user Immuta uses."
  type        = string
  sensitive   = true
}

resource "immuta_integration" "s3" {
  s3 = {
    name              = "analytics-lake"
    aws_account_id    = "123456789012"
    aws_region        = "us-east-1"
    aws_location_path = "s3://acme-analytics-lake/"
    aws_location_role = "arn:aws:iam::123456789012:role/immuta-access-grants-location"

    # "accessKey" signs in with an IAM user's keys; "auto" uses the credentials
    # of Immuta's own AWS environment instead (then leave the keys out).
    authentication_type   = "accessKey"
    aws_access_key_id     = "AKIAIOSFODNN7EXAMPLE"
    aws_secret_access_key = var.aws_secret_access_key
    aws_role_to_assume    = "arn:aws:iam::123456789012:role/immuta-s3-integration"
  }
}
