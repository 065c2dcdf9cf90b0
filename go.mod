module github.com/s3vet/s3vet

go 1.26
