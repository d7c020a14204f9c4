package hardline.rules.credential_file_copied_test

import data.hardline.lib.fixtures as fx
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
