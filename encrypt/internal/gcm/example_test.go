package gcm_test

import (
	"bytes"
	"fmt"
	"log"

	"github.com/s3vet/s3vet/encrypt/internal/gcm"
)

// Two runs of one message, sealed apart (as the parts of a multipart upload
// are, in parallel) and joined, give the ciphertext and tag the standard
// library's GCM gives the whole message.
func Example() {
	k, err := gcm.NewKey(bytes.Repeat([]byte{7}, 32))
	if err != nil {
		log.Fatal(err)
	}
	nonce := bytes.Repeat([]byte{1}, 12)
	msg := bytes.Repeat([]byte("sixteen bytes!!!"), 4) // 4 blocks

	first := k.NewStream(nonce, 0) // from byte 0: blocks 0 and 1
	c1 := first.Seal(make([]byte, 32, 32+gcm.TagSize), msg[:32])
	second := k.NewStream(nonce, 32) // from byte 32: blocks 2 and 3
	c2 := second.Seal(make([]byte, 32, 32+gcm.TagSize), msg[32:])
	tag := k.Tag(nonce, nil, k.Concat(first.Sum(), second.Sum()))

	whole := k.AEAD().Seal(nil, nonce, msg, nil)
	fmt.Println(bytes.Equal(append(c1, c2...), whole[:len(msg)]), bytes.Equal(tag[:], whole[len(msg):]))
	// Output: true true
}
