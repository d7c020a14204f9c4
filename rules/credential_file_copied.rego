# METADATA
# title: Credential file copied into the image
# description: |
#   COPY/ADD puts files into a layer of the image, and every layer ships: a
#   private key (including SSH host keys), .npmrc, .netrc, an htpasswd file,
#   Terraform variables, cloud credentials or a .env file copied into
#   the final image can be extracted by anyone who can pull it, even if a later
#   RUN deletes the file. Build-time credentials belong in secret mounts and
#   runtime credentials in the orchestrator's secret store.
# custom:
#   id: HL1010
#   name: credential-file-copied
#   severity: high
#   tags: [secrets, filesystem]
#   inputs: [dockerfile]
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
