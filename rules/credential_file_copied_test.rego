package hardline.rules.credential_file_copied_test

import data.hardline.lib.fixtures as fx
import data.hardline.lib.image_fixtures as ix
import data.hardline.rules.credential_file_copied

findings(doc) := fs if {
	fs := credential_file_copied.deny with input as doc
}

one(instrs) := fx.doc([fx.stage(0, "", 1, fx.image_base("node:20-alpine"), fx.node_alpine, instrs, fx.runtime({}), [0], true)], [])

flagged(src) if count(findings(one([fx.copy(0, 2, [src], "/app/", "", -1)]))) == 1

test_positive_names if {
	flagged(".npmrc")
	flagged("deploy/id_rsa")
	flagged("keys/id_ed25519")
	flagged("tls/server.key")
	flagged("privkey.pem")
	flagged("*.pem")
	flagged("store.p12")
	flagged("app.jks")
	flagged(".pypirc")
	flagged(".netrc")
	flagged(".git-credentials")
	flagged("home/.aws/credentials")
	flagged("credentials.json")
	flagged("gcp-service-account-prod.json")
	flagged(".docker/config.json")
	flagged("kubeconfig")
	flagged(".kube/config")
	flagged(".env")
	flagged(".env.production")
	flagged(".htpasswd")
	flagged("config/secrets.yml")
	flagged(".ssh")
	flagged("ssh_host_rsa_key")
	flagged("keys/ssh_host_ed25519_key")
	flagged("./keys/ssh_host_*_key*")
	flagged("ssh_host_*")
	flagged("ssh_host_key")
	flagged("htpasswd")
	flagged("nginx/site.htpasswd")
	flagged("terraform.tfvars")
	flagged("infra/terraform.tfvars.json")
	flagged("prod.auto.tfvars")
	flagged("*.auto.tfvars")
}

test_negative_names if {
	not flagged("id_rsa.pub")
	not flagged("certs/server.crt")
	not flagged("fullchain.pem")
	not flagged("ca-bundle.pem")
	not flagged(".envrc.example")
	not flagged(".env.example")
	not flagged("meta.env")
	not flagged(".")
	not flagged("package.json")
	not flagged("nginx_signing.key")
	not flagged("config.json")
	not flagged(".dockerignore")
	not flagged("ssh_host_rsa_key.pub")
	not flagged("keys/ssh_host_*_key.pub")
	not flagged("ssh_host_keys.sh")
	not flagged("htpasswd.sh")
	not flagged("terraform.tfvars.example")
	not flagged("variables.tf")
	not flagged("main.tf")
}

test_ssh_host_key_message if {
	some f in findings(one([fx.copy(0, 2, ["./keys/ssh_host_*_key*"], "/etc/ssh/", "", -1)]))
	contains(f.msg, "./keys/ssh_host_*_key* (SSH host private key)")
}

test_remote_add_key_ok if {
	a := fx.add(0, 2, ["https://nginx.org/keys/nginx_signing.key", "https://example.com/release.key"], "/tmp/")
	count(findings(one([a]))) == 0
}

test_message_and_key if {
	fs := findings(one([fx.copy(0, 2, ["package.json", ".npmrc", "package-lock.json"], "./", "", -1)]))
	some f in fs
	f.key == ".npmrc (npm credentials)"
	contains(f.msg, "COPY copies .npmrc (npm credentials)")
}

test_copy_from_builder_into_final if {
	cp := fx.copy(0, 6, ["/root/.ssh/id_rsa"], "/root/.ssh/id_rsa", "build", 0)
	b := fx.stage(0, "build", 1, fx.image_base("alpine:3.20"), fx.alpine, [], fx.runtime({}), [0], false)
	f := fx.stage(1, "", 5, fx.image_base("alpine:3.20"), fx.alpine, [cp], fx.runtime({}), [1], true)
	some x in findings(fx.doc([b, f], []))
	x.location.start_line == 6
}

test_builder_stage_copy_not_shipped if {
	b := fx.stage(0, "build", 1, fx.image_base("node:20"), fx.node_debian, [fx.copy(0, 2, [".npmrc"], "./", "", -1)], fx.runtime({}), [0], false)
	f := fx.stage(1, "", 5, fx.image_base("nginx:alpine"), fx.nginx_alpine, [], fx.runtime({}), [1], true)
	count(findings(fx.doc([b, f], []))) == 0
}

test_inherited_stage_copy_ships if {
	b := fx.stage(0, "base", 1, fx.image_base("node:20"), fx.node_debian, [fx.copy(0, 2, [".env"], "./", "", -1)], fx.runtime({}), [0], true)
	f := fx.stage(1, "", 5, fx.stage_base("base", 0), fx.node_debian, [], fx.runtime({}), [0, 1], true)
	count(findings(fx.doc([b, f], []))) == 1
}

test_dest_is_credential_file if {
	some f in findings(one([fx.copy(0, 2, ["ci/npmrc"], "/root/.npmrc", "", -1)]))
	contains(f.msg, "/root/.npmrc")
}

test_copy_heredoc_dest_left_to_secret_scanner if {
	count(findings(one([fx.copy(0, 2, ["<<EOF"], "/root/.npmrc", "", -1)]))) == 0
}

test_copy_dot_not_flagged if {
	count(findings(one([fx.copy(0, 2, ["."], ".", "", -1)]))) == 0
}

test_authorized_keys_from_pub_ok if {
	count(findings(one([fx.copy(0, 2, ["test/id_rsa.pub"], "/root/.ssh/authorized_keys", "", -1)]))) == 0
}

test_any_patterns_in_sync if {
	c := credential_file_copied
	c.any_name_pattern == concat("|", [sprintf("(?:%s)", [p]) | some p, _ in c.name_patterns])
	c.any_path_pattern == concat("|", [sprintf("(?:%s)", [p]) | some p, _ in c.path_patterns])
}

# --- images -------------------------------------------------------------------

image_findings(over) := fs if {
	fs := credential_file_copied.deny with input as ix.image_doc(over)
}

test_image_credential_file_present if {
	fs := image_findings({"credential_files": [ix.cred_file("/root/.ssh/id_rsa", "ssh-private-key", 2, -1, "")]})
	count(fs) == 1
	some f in fs
	f.msg == "SSH private key file /root/.ssh/id_rsa (-----BEGIN…(1679 chars)) is in the image (added in layer 2): anyone who can pull the image can read it"
	f.key == "/root/.ssh/id_rsa"
	f.path == "/root/.ssh/id_rsa"
	f.layer == 2
	f.history == 3
	not f.location
}

# COPY .npmrc, then RUN rm .npmrc: the file is in the lower layer.
test_image_credential_file_deleted_later if {
	c := object.union(ix.cred_file("/app/.npmrc", "npmrc-token", 1, 2, ""), {"secret": {"masked": "npm_…(36 chars)"}})
	some f in image_findings({"credential_files": [c]})
	f.msg == "npm credentials (.npmrc token) file /app/.npmrc (npm_…(36 chars)) added in layer 1, deleted in layer 2 — it still ships in the image: anyone who can pull it can extract layer 1"
	f.layer == 1
	f.history == 2
	f.key == "/app/.npmrc"
}

test_image_unknown_kind_named_as_is if {
	some f in image_findings({"credential_files": [ix.cred_file("/root/.config/gh/hosts.yml", "gh-hosts", 2, -1, "")]})
	startswith(f.msg, "gh-hosts file /root/.config/gh/hosts.yml")
}

# Keys shipped by an OS package (test fixtures, examples) are not findings.
test_image_package_owned_not_flagged if {
	c := ix.cred_file("/usr/share/doc/openssl/demo.key", "private-key", 0, -1, "openssl")
	count(image_findings({"credential_files": [c]})) == 0
}

# The same path twice (replaced by another credential): distinct keys.
test_image_same_path_twice if {
	a := ix.cred_file("/root/.docker/config.json", "docker-config-auth", 1, 2, "")
	b := object.union(ix.cred_file("/root/.docker/config.json", "docker-config-auth", 2, -1, ""), {"secret": {"fingerprint": "1111222233334444"}})
	fs := image_findings({"credential_files": [a, b]})
	{f.key | some f in fs} == {"/root/.docker/config.json#0123456789abcdef", "/root/.docker/config.json#1111222233334444"}
}

# A credential in another file.
test_image_file_secret if {
	s := ix.secret("file", "", -1, {"path": "/app/config/settings.py", "layer": 2, "line": 12, "description": "AWS access key ID", "masked": "AKIA…(20 chars)", "confidence": "high"})
	fs := image_findings({"secrets": [s]})
	count(fs) == 1
	some f in fs
	f.msg == "AWS access key ID: AKIA…(20 chars) in file /app/config/settings.py at line 12 (high confidence); it is in the image (layer 2)"
	f.key == "/app/config/settings.py:fedcba9876543210"
	f.path == "/app/config/settings.py"
	f.layer == 2
}

test_image_file_secret_deleted_later if {
	s := ix.secret("file", "", -1, {"path": "/tmp/deploy.env", "layer": 1, "removed_in": 2})
	some f in image_findings({"secrets": [s]})
	endswith(f.msg, "it was added in layer 1, deleted in layer 2 — it still ships in the image")
}

# A credential file's content is reported once, as the credential file.
test_image_file_secret_of_credential_file_once if {
	s := ix.secret("file", "", -1, {"path": "/root/.ssh/id_rsa", "layer": 2})
	fs := image_findings({"secrets": [s], "credential_files": [ix.cred_file("/root/.ssh/id_rsa", "ssh-private-key", 2, -1, "")]})
	{f.key | some f in fs} == {"/root/.ssh/id_rsa"}
}

test_image_branches_guarded if {
	d := object.union(one([]), {"credential_files": [ix.cred_file("/root/.ssh/id_rsa", "ssh-private-key", 2, -1, "")], "secrets": [ix.secret("file", "", -1, {"path": "/a", "layer": 1})]})
	count(findings(d)) == 0
}
