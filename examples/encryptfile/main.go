// Command encryptfile encrypts a file of any size for S3, streaming, in the
// Amazon S3 Encryption Client's object format, with one 128 KiB buffer
// whatever the file's size.
//
//	encryptfile -kek key.bin backup.tar backup.tar.enc
//
// writes the ciphertext to backup.tar.enc and the envelope (the wrapped data
// key, the content algorithm) to backup.tar.enc.meta.json: upload the first
// as the object's body and put the second in PutObjectInput.Metadata, and
// any S3 Encryption Client holding the key encryption key can read it.
// The key encryption key, 32 bytes, wraps each file's own data key.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/s3vet/s3vet/encrypt"
)

// run encrypts in to out, with the envelope in out.meta.json.
func run(ctx context.Context, stdout io.Writer, kekFile, in, out string) error {
	kek, err := os.ReadFile(kekFile)
	if err != nil {
		return err
	}
	keyring, err := encrypt.NewAESKeyring(kek, nil)
	if err != nil {
		return err
	}
	src, err := os.Open(in)
	if err != nil {
		return err
	}
	defer src.Close()
	fi, err := src.Stat()
	if err != nil {
		return err
	}
	dst, err := os.Create(out)
	if err != nil {
		return err
	}
	defer dst.Close()
	w, err := encrypt.NewEncrypter(keyring).NewWriter(ctx, dst, fi.Size(), nil)
	if err != nil {
		return err
	}
	n, err := io.Copy(w, src) // 128 KiB at a time
	if err != nil {
		return err
	}
	if err := w.Close(); err != nil { // writes the tag
		return err
	}
	if err := dst.Close(); err != nil {
		return err
	}
	meta, err := json.MarshalIndent(w.Envelope().Metadata(), "", "  ")
	if err != nil {
		return err
	}
	if err := os.WriteFile(out+".meta.json", meta, 0o644); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "encrypted %d bytes to %s; envelope in %s.meta.json\n", n, out, out)
	return nil
}

func main() {
	kek := flag.String("kek", "", "file holding the 32-byte key encryption key")
	flag.Parse()
	if *kek == "" || flag.NArg() != 2 {
		fmt.Fprintln(os.Stderr, "usage: encryptfile -kek FILE IN OUT")
		os.Exit(2)
	}
	if err := run(context.Background(), os.Stdout, *kek, flag.Arg(0), flag.Arg(1)); err != nil {
		fmt.Fprintln(os.Stderr, "encryptfile:", err)
		os.Exit(1)
	}
}
