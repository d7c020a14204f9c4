# METADATA
# title: Credential file copied into the image
# description: |
#   COPY/ADD puts files into a layer of the image, and every layer ships: a
#   private key (including SSH host keys), .npmrc, .netrc, an htpasswd file,
#   Terraform variables, cloud credentials or a .env file copied into
#   the final image can be extracted by anyone who can pull it, even if a later
#   RUN deletes the file. Build-time credentials belong in secret mounts and
#   runtime credentials in the orchestrator's secret store.
#
#   In an image, every layer is searched: well-known credential files that
#   hold a credential (private keys, .npmrc tokens, Docker, AWS and git
#   credentials, .netrc, .pypirc ...), including files a later layer deleted
#   or replaced, which still ship in the lower layer. Files owned by an OS
#   package (test keys, example configurations) are not reported. The
#   content of every other text file of every layer is scanned too (see
#   docs/images.md for what is skipped): a credential in any file ships.
# custom:
#   id: HL1010
#   name: credential-file-copied
#   severity: high
#   tags: [secrets, filesystem]
#   inputs: [dockerfile, image]
#   controls:
#     nist-800-190: ["4.1.4"]
#     cis-docker-1.6.0: ["4.10"]
#   remediation: |
#     Do not copy credential files. Mount them for the one RUN that needs them,
#     list them in .dockerignore, and mount runtime credentials at run time:
#
#         RUN --mount=type=secret,id=npmrc,target=/root/.npmrc npm ci
#         RUN --mount=type=ssh git clone git@github.com:org/private.git
#   examples:
#     bad: |
#       FROM node:20-alpine
#       COPY .npmrc package.json package-lock.json ./
#       RUN npm ci && rm .npmrc
#     good: |
#       FROM node:20-alpine
#       COPY package.json package-lock.json ./
#       RUN --mount=type=secret,id=npmrc,target=/root/.npmrc npm ci
package hardline.rules.credential_file_copied

import data.hardline.lib.dockerfile as lib
import data.hardline.lib.image as img

deny contains r if {
	some x in lib.final_copies
	cp := x.instr.copy
	files := {sprintf("%s (%s)", [src, what]) |
		some src in lib.list(cp.sources)
		not lib.is_url(src)
		not startswith(src, "<<")
		what := credential(src)
	} | {sprintf("%s (%s)", [cp.dest, what]) |
		not endswith(lib.str(cp.dest), "/")
		not heredoc_copy(cp)
		not any_credential_source(cp)
		what := credential(lib.str(cp.dest))
	}
	count(files) > 0
	r := {
		"msg": sprintf("%s: %s copies %s into the final image; every layer ships, so the credential can be extracted even if it is deleted later", [lib.stage_label(x.stage), upper(x.instr.cmd), lib.joined(files)]),
		"location": x.instr.location,
		"stage": x.stage,
		"key": concat(",", sort(files)),
	}
}

heredoc_copy(cp) if {
	some src in lib.list(cp.sources)
	startswith(src, "<<")
}

any_credential_source(cp) if {
	some src in lib.list(cp.sources)
	credential(src)
}

# credential(path): what kind of credential file the path (or glob) names.
credential(path) := min(whats) if {
	b := lower(lib.basename(path))
	regex.match(any_name_pattern, b)
	not public_file(b)
	whats := {what |
		some pattern, what in name_patterns
		regex.match(pattern, b)
	}
} else := min(whats) if {
	p := lower(path)
	regex.match(any_path_pattern, p)
	whats := {what |
		some pattern, what in path_patterns
		regex.match(pattern, p)
	}
}

# The alternation of all name_patterns (resp. path_patterns), so that the
# common case, a file that is not a credential, costs one regex match instead
# of one per pattern. Spelled out rather than built with concat so that it is
# not rebuilt for every document; test_any_patterns_in_sync keeps them equal.
any_name_pattern := `(?:\.(p12|pfx|jks|keystore)$)|(?:\.(pem|key|ppk)$)|(?:\.auto\.tfvars(\.json)?$)|(?:^(.*\.)?htpasswd$)|(?:^\.(ssh|aws|kube|gnupg)$)|(?:^\.env(\.[a-z0-9_-]+)?$)|(?:^\.git-credentials$)|(?:^\.netrc$)|(?:^\.npmrc$)|(?:^\.pgpass$)|(?:^\.pypirc$)|(?:^credentials\.json$)|(?:^id_(rsa|dsa|ecdsa|ed25519)(\*)?$)|(?:^kubeconfig$)|(?:^secrets?\.ya?ml$)|(?:^ssh_host_(\*|([a-z0-9*]+_)?key\*?)$)|(?:^terraform\.tfvars(\.json)?$)|(?:service[-_]?account.*\.json$)`

any_path_pattern := `(?:(^|/)\.aws/credentials$)|(?:(^|/)\.docker/config\.json$)|(?:(^|/)\.kube/config$)`

name_patterns := {
	`^id_(rsa|dsa|ecdsa|ed25519)(\*)?$`: "SSH private key",
	`\.(pem|key|ppk)$`: "private key",
	`\.(p12|pfx|jks|keystore)$`: "key store",
	`^\.npmrc$`: "npm credentials",
	`^\.pypirc$`: "PyPI credentials",
	`^\.netrc$`: "netrc credentials",
	`^\.git-credentials$`: "git credentials",
	`^\.pgpass$`: "PostgreSQL password file",
	`^credentials\.json$`: "cloud credentials",
	`service[-_]?account.*\.json$`: "service account key",
	`^kubeconfig$`: "kubeconfig",
	`^\.env(\.[a-z0-9_-]+)?$`: "environment file",
	`^(.*\.)?htpasswd$`: "htpasswd file",
	`^ssh_host_(\*|([a-z0-9*]+_)?key\*?)$`: "SSH host private key",
	`^terraform\.tfvars(\.json)?$`: "Terraform variables file",
	`\.auto\.tfvars(\.json)?$`: "Terraform variables file",
	`^secrets?\.ya?ml$`: "secrets file",
	`^\.(ssh|aws|kube|gnupg)$`: "credential directory",
}

path_patterns := {
	`(^|/)\.aws/credentials$`: "AWS credentials",
	`(^|/)\.docker/config\.json$`: "Docker registry credentials",
	`(^|/)\.kube/config$`: "kubeconfig",
}

# Public counterparts and templates that are not credentials.
public_file(b) if endswith(b, ".pub")

public_file(b) if regex.match(`^\.env\.(example|sample|template|dist|defaults?|tpl|local\.example|test\.example)$`, b)

public_file(b) if {
	regex.match(`\.(pem|key)$`, b)
	regex.match(`(cert|chain|^ca[-_.]|cacert|ca-bundle|bundle|public|pubkey|[-_.]pub[-_.]|signing|gpg|archive-keyring|release)`, b)
}

public_file(b) if regex.match(`(example|sample|template|dummy)`, b)

# --- images -------------------------------------------------------------------

# Well-known credential files, in any layer.
deny contains r if {
	img.is_image
	some c in lib.list(input.credential_files)
	lib.str(object.get(c, "package", "")) == ""
	r := img.finding(
		sprintf("%s file %s (%s) %s", [kind_name(c.kind), c.path, c.secret.masked, shipped(c.layer, c.removed_in)]),
		credential_key(c),
		c.layer, -1, c.path,
	)
}

# shipped(layer, removed_in): where the file is, and that deleting it did
# not help.
shipped(l, removed) := sprintf("added in layer %d, deleted in layer %d — it still ships in the image: anyone who can pull it can extract layer %d", [l, removed, l]) if {
	removed >= 0
	l >= 0
} else := sprintf("deleted in layer %d but still ships in a lower layer of the image", [removed]) if {
	removed >= 0
} else := sprintf("is in the image (added in %s): anyone who can pull the image can read it", [img.layer_name(l)])

# credential_key(c): the path; with the fingerprint when several entries
# share the path (a file replaced by another credential).
credential_key(c) := c.path if {
	count([d | some d in input.credential_files; d.path == c.path]) == 1
} else := sprintf("%s#%s", [c.path, c.secret.fingerprint])

kind_names := {
	"ssh-private-key": "SSH private key",
	"private-key": "private key",
	"aws-credentials": "AWS credentials",
	"npmrc-token": "npm credentials (.npmrc token)",
	"docker-config-auth": "Docker registry credentials",
	"git-credentials": "git credentials",
	"netrc": "netrc credentials",
	"pypirc": "PyPI credentials",
	"dotenv": "environment file (.env)",
	"kubeconfig": "kubeconfig",
	"gcp-service-account": "Google Cloud service account key",
	"gcloud-credentials": "Google Cloud CLI credentials",
	"azure-credentials": "Azure CLI credentials",
}

kind_name(k) := n if n := kind_names[k]

else := k

# Other files whose content holds a credential (source "file"), unless the
# file is already reported as a credential file.
deny contains r if {
	some s in img.secrets_from({"file"})
	p := lib.str(object.get(s, "path", ""))
	not credential_path(p)
	l := object.get(s, "layer", -1)
	r := img.finding(
		sprintf("%s: %s in file %s%s (%s confidence); it %s", [img.secret_description(s), s.masked, p, line_note(s), s.confidence, file_shipped(l, object.get(s, "removed_in", -1))]),
		sprintf("%s:%s", [p, s.fingerprint]),
		l, -1, p,
	)
}

credential_path(p) if {
	some c in lib.list(input.credential_files)
	c.path == p
}

line_note(s) := sprintf(" at line %d", [s.line]) if s.line > 0

else := ""

file_shipped(l, removed) := sprintf("was added in layer %d, deleted in layer %d — it still ships in the image", [l, removed]) if {
	removed >= 0
	l >= 0
} else := sprintf("is in the image (%s)", [img.layer_name(l)])
