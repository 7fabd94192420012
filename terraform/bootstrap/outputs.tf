output "bucket_name" {
  description = "Name of the state bucket, for the backend's bucket setting."
  value       = aws_s3_bucket.state.id
}

output "kms_key_arn" {
  description = "ARN of the KMS key that encrypts the state, for the backend's kms_key_id setting."
  value       = aws_kms_key.state.arn
}

output "backend_config" {
  description = "Contents for a backend.hcl passed with terraform init -backend-config=backend.hcl."
  value       = <<-EOT
    bucket     = "${aws_s3_bucket.state.id}"
    region     = "${var.region}"
    kms_key_id = "${aws_kms_key.state.arn}"
  EOT
}
