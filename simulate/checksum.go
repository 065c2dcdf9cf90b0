package simulate

import (
	"crypto/md5"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"hash/crc32"
	"hash/crc64"
	"net/http"
	"strings"
)

// checksumAlgs are the checksum algorithms S3 supports, with their header
// names.
var checksumAlgs = []struct{ name, header string }{
	{"CRC32", "X-Amz-Checksum-Crc32"},
	{"CRC32C", "X-Amz-Checksum-Crc32c"},
	{"CRC64NVME", "X-Amz-Checksum-Crc64nvme"},
	{"SHA1", "X-Amz-Checksum-Sha1"},
	{"SHA256", "X-Amz-Checksum-Sha256"},
}

// crc64NVME is the CRC-64/NVME table (polynomial 0xAD93D23594C93659,
// reflected), which S3 calls CRC64NVME.
var crc64NVME = crc64.MakeTable(0x9a6c9329ac4bc9b5)

// checksum returns the base64 checksum of data with the named algorithm.
func checksum(alg string, data []byte) string {
	var sum []byte
	switch alg {
	case "CRC32":
		sum = binary.BigEndian.AppendUint32(nil, crc32.ChecksumIEEE(data))
	case "CRC32C":
		sum = binary.BigEndian.AppendUint32(nil, crc32.Checksum(data, crc32.MakeTable(crc32.Castagnoli)))
	case "CRC64NVME":
		sum = binary.BigEndian.AppendUint64(nil, crc64.Checksum(data, crc64NVME))
	case "SHA1":
		s := sha1.Sum(data)
		sum = s[:]
	case "SHA256":
		s := sha256.Sum256(data)
		sum = s[:]
	default:
		return ""
	}
	return base64.StdEncoding.EncodeToString(sum)
}

// verifyIntegrity checks a payload against the digests its request
// carries: Content-MD5, x-amz-checksum-* and a hex x-amz-content-sha256.
// It returns the full-object checksum given, if any, to store with the
// object. (The verifier has checked a checksum in an aws-chunked trailer
// as the body was read: only its algorithm is taken from x-amz-trailer.)
// checked is the hex SHA-256 the verifier compared the body with as it
// was read, when data is that body: it is not computed again.
func verifyIntegrity(h http.Header, data []byte, checked string) (alg, sum string, err error) {
	if vs, ok := h["Content-Md5"]; ok {
		want, derr := base64.StdEncoding.DecodeString(strings.TrimSpace(vs[0]))
		if derr != nil || len(want) != md5.Size {
			return "", "", errorf(http.StatusBadRequest, "InvalidDigest", "The Content-MD5 you specified is not valid.")
		}
		if got := md5.Sum(data); string(got[:]) != string(want) {
			return "", "", errorf(http.StatusBadRequest, "BadDigest", "The Content-MD5 you specified did not match what we received.")
		}
	}
	if v := h.Get("X-Amz-Content-Sha256"); len(v) == 64 && !strings.EqualFold(v, checked) {
		if _, derr := hex.DecodeString(v); derr == nil {
			if got := sha256.Sum256(data); hex.EncodeToString(got[:]) != strings.ToLower(v) {
				return "", "", errorf(http.StatusBadRequest, "XAmzContentSHA256Mismatch", "The provided 'x-amz-content-sha256' header does not match what was computed.")
			}
		}
	}
	trailers := h.Values("X-Amz-Trailer")
	for _, a := range checksumAlgs {
		v := h.Get(a.header)
		if v == "" {
			for _, t := range trailers {
				if strings.EqualFold(strings.TrimSpace(t), a.header) {
					v = checksum(a.name, data)
				}
			}
		}
		if v == "" {
			continue
		}
		if alg != "" {
			return "", "", invalidRequest("Expecting a single x-amz-checksum- header. Multiple checksum Types are not allowed.")
		}
		if got := checksum(a.name, data); got != v {
			if _, derr := base64.StdEncoding.DecodeString(v); derr != nil || len(v) != len(got) {
				return "", "", invalidRequest("Value for " + strings.ToLower(a.header) + " header is invalid.")
			}
			return "", "", errorf(http.StatusBadRequest, "BadDigest", "The "+a.name+" you specified did not match the calculated checksum.")
		}
		alg, sum = a.name, v
	}
	return alg, sum, nil
}

func checksumHeader(alg string) string {
	for _, a := range checksumAlgs {
		if a.name == alg {
			return a.header
		}
	}
	return ""
}
