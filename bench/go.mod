module github.com/s3vet/s3vet/bench

go 1.26

require (
	github.com/minio/pkg/v3 v3.1.3
	github.com/s3vet/s3vet v0.0.0
)

require (
	github.com/goccy/go-json v0.10.5 // indirect
	github.com/minio/minio-go/v7 v7.0.88 // indirect
)

replace github.com/s3vet/s3vet => ../
