"""End-to-end test of `s3vet serve` with a client nobody here wrote: boto3.

Run by .ci/run: python3 boto3_e2e.py ENDPOINT VPCE_ENDPOINT (https:// URLs
of a server started with --tls and world.yaml beside this file, and of its
VPC endpoint vpce-1a2b3c4d, as serve prints them).
"""
import json
import socket
import sys
import urllib.parse
import urllib.request
import ssl

import boto3
from botocore.client import Config
from botocore.exceptions import ClientError

endpoint = sys.argv[1]
vpce_endpoint = sys.argv[2]
checks = {"passed": 0, "failed": 0}


def client(key, secret):
    return boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1",
                        aws_access_key_id=key, aws_secret_access_key=secret, verify=False,
                        config=Config(s3={"addressing_style": "path"}, signature_version="s3v4"))


def check(name, ok, detail=""):
    checks["passed" if ok else "failed"] += 1
    print(("ok   " if ok else "FAIL ") + name + ("" if ok else ": " + str(detail)))


def denied(name, fn, code="AccessDenied"):
    try:
        fn()
    except ClientError as e:
        got = e.response["Error"]["Code"]
        check(name, got == code, "got %s, want %s" % (got, code))
        return
    check(name, False, "no error, want " + code)


alice = client("AKIAALICEEXAMPLE0001", "alice-secret-0001")
bob = client("AKIABOBEXAMPLE000001", "bob-secret-0001")
wrong = client("AKIABOBEXAMPLE000001", "not-the-secret")

# Allowed and denied reads and writes.
body = bob.get_object(Bucket="data", Key="hello.txt")["Body"].read()
check("bob reads data/hello.txt", body == b"hello from s3vet", body)
alice.put_object(Bucket="data", Key="new.txt", Body=b"written by alice")
check("alice writes and reads back", alice.get_object(Bucket="data", Key="new.txt")["Body"].read() == b"written by alice")
denied("bob cannot write", lambda: bob.put_object(Bucket="data", Key="x.txt", Body=b"x"))
denied("bob cannot list another bucket", lambda: bob.list_objects_v2(Bucket="secrets"))
denied("a wrong secret is refused", lambda: wrong.get_object(Bucket="data", Key="hello.txt"), "SignatureDoesNotMatch")

# Presigned URLs.
ctx = ssl.create_default_context()
ctx.check_hostname = False
ctx.verify_mode = ssl.CERT_NONE
url = bob.generate_presigned_url("get_object", Params={"Bucket": "data", "Key": "hello.txt"}, ExpiresIn=300)
check("presigned GET works", urllib.request.urlopen(url, context=ctx).read() == b"hello from s3vet")
try:
    urllib.request.urlopen(url.replace("Signature=", "Signature=0"), context=ctx)
    check("tampered presigned GET refused", False, "accepted")
except urllib.error.HTTPError as e:
    check("tampered presigned GET refused", e.code == 403, e.code)

# Bucket policy round trip; Block Public Access (on by default) refuses a public one.
pol = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111111111111:user/bob"},
                                               "Action": "s3:PutObject", "Resource": "arn:aws:s3:::data/bob/*"}]}
alice.put_bucket_policy(Bucket="data", Policy=json.dumps(pol))
got = json.loads(alice.get_bucket_policy(Bucket="data")["Policy"])
check("bucket policy round trip", got["Statement"][0]["Resource"] == "arn:aws:s3:::data/bob/*", got)
bob.put_object(Bucket="data", Key="bob/ok.txt", Body=b"via the bucket policy")
check("the bucket policy lets bob write under bob/", True)
public = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::data/*"}]}
denied("BlockPublicPolicy refuses a public policy", lambda: alice.put_bucket_policy(Bucket="data", Policy=json.dumps(public)))
try:
    urllib.request.urlopen(endpoint + "/site/index.html", context=ctx)
    check("anonymous read of a public bucket under Block Public Access refused", False, "accepted")
except urllib.error.HTTPError as e:
    check("anonymous read of a public bucket under Block Public Access refused", e.code == 403, e.code)

# SSE-C: allowed where the bucket does not block it, the same key needed to read.
key = b"k" * 32
alice.put_object(Bucket="secrets", Key="s.txt", Body=b"top secret", SSECustomerAlgorithm="AES256", SSECustomerKey=key)
got = alice.get_object(Bucket="secrets", Key="s.txt", SSECustomerAlgorithm="AES256", SSECustomerKey=key)["Body"].read()
check("SSE-C round trip", got == b"top secret", got)
try:
    alice.get_object(Bucket="secrets", Key="s.txt")
    check("SSE-C object without its key refused", False, "accepted")
except ClientError as e:
    check("SSE-C object without its key refused", e.response["ResponseMetadata"]["HTTPStatusCode"] == 400, e.response["Error"])
try:
    alice.put_object(Bucket="data", Key="c.txt", Body=b"x", SSECustomerAlgorithm="AES256", SSECustomerKey=key)
    check("SSE-C blocked by default", False, "accepted")
except ClientError as e:
    check("SSE-C blocked by default", e.response["ResponseMetadata"]["HTTPStatusCode"] in (400, 403), e.response["Error"])

# Listings with encoding-type=url, which botocore asks for and decodes
# itself: keys with '+' and spaces come back as they were written.
for k in ["asdf+b", "foo+1/bar", "quux ab/thud", "plain"]:
    alice.put_object(Bucket="data", Key="enc/" + k, Body=b"x")
got = alice.list_objects(Bucket="data", Prefix="enc/", Delimiter="/")
check("ListObjects decodes to the keys written",
      sorted(o["Key"] for o in got.get("Contents", [])) == ["enc/asdf+b", "enc/plain"] and
      sorted(p["Prefix"] for p in got.get("CommonPrefixes", [])) == ["enc/foo+1/", "enc/quux ab/"], got)
got = alice.list_objects_v2(Bucket="data", Prefix="enc/", StartAfter="enc/asdf+b")
check("ListObjectsV2 with StartAfter, encoded", [o["Key"] for o in got.get("Contents", [])] ==
      ["enc/foo+1/bar", "enc/plain", "enc/quux ab/thud"], got)

# The null version: an object written before versioning keeps version ID
# "null", which a second SDK reads, lists and deletes by that ID.
alice.put_object(Bucket="data", Key="v.txt", Body=b"before")
alice.put_bucket_versioning(Bucket="data", VersioningConfiguration={"Status": "Enabled"})
newer = alice.put_object(Bucket="data", Key="v.txt", Body=b"after")["VersionId"]
versions = alice.list_object_versions(Bucket="data", Prefix="v.txt")["Versions"]
check("ListObjectVersions: newest first, the old one null",
      [(v["VersionId"], v["IsLatest"]) for v in versions] == [(newer, True), ("null", False)], versions)
check("GetObject of version null", alice.get_object(Bucket="data", Key="v.txt", VersionId="null")["Body"].read() == b"before")
alice.delete_object(Bucket="data", Key="v.txt", VersionId="null")
versions = alice.list_object_versions(Bucket="data", Prefix="v.txt")["Versions"]
check("DeleteObject of version null removes it", [v["VersionId"] for v in versions] == [newer], versions)
marker = alice.delete_object(Bucket="data", Key="v.txt")
check("DeleteObject adds a delete marker", marker.get("DeleteMarker") is True, marker)
denied("GetObject behind a delete marker", lambda: alice.get_object(Bucket="data", Key="v.txt"), "NoSuchKey")

# Virtual-hosted style: BUCKET.localhost reaches the server (names under
# .localhost are resolved to the loopback address here, as RFC 6761 lets
# a resolver do).
real_getaddrinfo = socket.getaddrinfo


def loopback_getaddrinfo(host, *args, **kwargs):
    if isinstance(host, str) and host.endswith(".localhost"):
        host = "127.0.0.1"
    return real_getaddrinfo(host, *args, **kwargs)


socket.getaddrinfo = loopback_getaddrinfo
port = urllib.parse.urlparse(endpoint).port
virtual = boto3.client("s3", endpoint_url="https://localhost:%d" % port, region_name="us-east-1",
                       aws_access_key_id="AKIABOBEXAMPLE000001", aws_secret_access_key="bob-secret-0001", verify=False,
                       config=Config(s3={"addressing_style": "virtual"}, signature_version="s3v4"))
body = virtual.get_object(Bucket="data", Key="hello.txt")["Body"].read()
check("virtual-hosted style GET (data.localhost)", body == b"hello from s3vet", body)
denied("virtual-hosted style: bob still cannot write", lambda: virtual.put_object(Bucket="data", Key="vh.txt", Body=b"x"))

# Access points: by ARN, which botocore sends to NAME-ACCOUNT.localhost, and
# by the alias S3 Control's GetAccessPoint returns (S3 User Guide,
# "Referencing access points").
ap_arn = "arn:aws:s3:us-east-1:111111111111:accesspoint/reader-ap"
body = virtual.get_object(Bucket=ap_arn, Key="hello.txt")["Body"].read()
check("GetObject through an access point ARN (reader-ap-111111111111.localhost)", body == b"hello from s3vet", body)
control = boto3.client("s3control", endpoint_url="https://localhost:%d" % port, region_name="us-east-1",
                       aws_access_key_id="AKIAALICEEXAMPLE0001", aws_secret_access_key="alice-secret-0001", verify=False)
ap = control.get_access_point(AccountId="111111111111", Name="reader-ap")
check("S3 Control GetAccessPoint", ap["Bucket"] == "data" and ap["NetworkOrigin"] == "Internet", ap)
body = bob.get_object(Bucket=ap["Alias"], Key="hello.txt")["Body"].read()
check("GetObject through the access point's alias", body == b"hello from s3vet", body)
status = control.get_access_point_policy_status(AccountId="111111111111", Name="reader-ap")
check("the access point's policy is not public", status["PolicyStatus"]["IsPublic"] is False, status)

# A VPC endpoint: its URL is the server as reached from inside the VPC; the
# bucket admits only requests through it (S3 User Guide, "Controlling
# access from VPC endpoints with bucket policies").
inside = boto3.client("s3", endpoint_url=vpce_endpoint, region_name="us-east-1",
                      aws_access_key_id="AKIAALICEEXAMPLE0001", aws_secret_access_key="alice-secret-0001", verify=False,
                      config=Config(s3={"addressing_style": "path"}, signature_version="s3v4"))
denied("a bucket for one VPC endpoint, from outside", lambda: alice.get_object(Bucket="internal", Key="inside.txt"))
body = inside.get_object(Bucket="internal", Key="inside.txt")["Body"].read()
check("a bucket for one VPC endpoint, through it", body == b"only from the VPC", body)

print("e2e: %d passed, %d failed" % (checks["passed"], checks["failed"]))
sys.exit(1 if checks["failed"] else 0)
