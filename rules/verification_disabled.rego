# METADATA
# title: Package signature or TLS verification disabled
# description: |
#   Package managers check signatures and download tools check TLS
#   certificates so that what a build installs is what its publisher
#   released. Turning a check off (`apk add --allow-untrusted`,
#   `apt-get --allow-unauthenticated`, `[trusted=yes]` sources, `dnf
#   --nogpgcheck`, `gpgcheck=0` repositories, `rpm --nosignature`, `curl -k`,
#   `wget --no-check-certificate`, `pip --trusted-host`, npm `strict-ssl
#   false`, git `http.sslVerify false`, conda `ssl_verify false`) lets anyone
#   on the network path, or a compromised mirror, substitute the packages and
#   files the image is built from.
#
#   The same switches set as environment variables (`NODE_TLS_REJECT_UNAUTHORIZED=0`,
#   `GIT_SSL_NO_VERIFY`, `PYTHONHTTPSVERIFY=0`, `PIP_TRUSTED_HOST`,
#   `NPM_CONFIG_STRICT_SSL=false`, `CONDA_SSL_VERIFY=false`, `GOSUMDB=off`,
#   `GOINSECURE`) are worse with ENV: they persist in the image and turn
#   verification off for the application at run time too. The message says
#   which: the build only (RUN, ARG, a builder stage) or the final image.
#
#   Local repositories a build creates from packages it built itself
#   (`deb [trusted=yes] file:…`, `apk add --allow-untrusted` of packages
#   mounted from a build stage, `apk index`) are not reported. In images,
#   the RUN commands recorded in the history are judged as parsed commands,
#   like a Dockerfile's (text that only mentions a switch, as in `echo
#   "curl -k"`, is not a use), and the configured environment is checked.
# custom:
#   id: HL1030
#   name: verification-disabled
#   severity: high
#   tags: [supply-chain, packages, tls]
#   inputs: [dockerfile, image]
#   controls:
#     nist-800-190: ["4.1.2"]
#     cis-docker-1.6.0: ["4.11"]
#   remediation: |
#     Keep verification on and give the tools what they need to verify:
#     import the repository's signing key (`apk add --allow-untrusted` →
#     put the key in /etc/apk/keys; apt `signed-by=` keyring; `rpm --import`),
#     install the CA certificate of a TLS-intercepting proxy instead of
#     disabling TLS checks:
#
#         COPY corp-ca.crt /usr/local/share/ca-certificates/
#         RUN update-ca-certificates
#
#     and never set `NODE_TLS_REJECT_UNAUTHORIZED=0` or `GIT_SSL_NO_VERIFY`
#     with ENV.
#   examples:
#     bad: |
#       FROM node:20-alpine
#       ENV NODE_TLS_REJECT_UNAUTHORIZED=0
#       RUN npm config set strict-ssl false && npm ci
#     good: |
#       FROM node:20-alpine
#       COPY corp-ca.crt /usr/local/share/ca-certificates/corp-ca.crt
#       ENV NODE_EXTRA_CA_CERTS=/usr/local/share/ca-certificates/corp-ca.crt
#       RUN npm ci
package hardline.rules.verification_disabled

import data.hardline.lib.dockerfile as lib
import data.hardline.lib.hardening as hd
import data.hardline.lib.image as img

# ---------------------------------------------------------------------------
# Dockerfiles: commands
# ---------------------------------------------------------------------------

deny contains r if {
	some what in switches
	x := what.x
	r := {
		"msg": sprintf("%s: %s%s (RUN in %s)", [what.text, what.effect, run_scope(x), hd.where(x)]),
		"location": x.instr.location,
		"stage": x.stage,
		"key": sprintf("run:%s", [what.key]),
	}
}

# Settings written into configuration files: they stay in the image.
deny contains r if {
	some w in hd.built_writes
	x := w.x
	regex.match(any_settings_path, w.path)
	some s in file_settings
	regex.match(s.path, w.path)
	some m in regex.find_n(s.pattern, w.text, -1)
	not local_repository(s, m)
	r := {
		"msg": sprintf("%s written to %s: %s%s (RUN in %s)", [shown(m), w.path, s.effect, persists_text(x), hd.where(x)]),
		"location": x.instr.location,
		"stage": x.stage,
		"key": sprintf("file:%s:%s", [w.path, s.key]),
	}
}

# switches: the verification switches of the commands the build runs, as
# {"x": the command (hd.built_commands), "text": what was written, "key",
# "effect"}: the commands of a Dockerfile's RUNs, or of the RUNs recorded in
# an image's history (x.instr.history set).
switches contains {"x": x, "text": sprintf("curl %s", [f]), "key": "curl-insecure", "effect": tls_off} if {
	some x in hd.commands_by_name.curl
	c := x.cmd
	f := curl_insecure(c.args)
}

switches contains {"x": x, "text": "wget --no-check-certificate", "key": "wget-no-check-certificate", "effect": tls_off} if {
	some x in hd.commands_by_name.wget
	c := x.cmd
	hd.long_flag(c.args, "--no-check-certificate")
}

switches contains {"x": x, "text": sprintf("apk %s --allow-untrusted", [sub]), "key": "apk-allow-untrusted", "effect": unsigned_packages} if {
	some x in hd.commands_by_name.apk
	c := x.cmd
	hd.long_flag(c.args, "--allow-untrusted")
	ops := hd.operands(c.args, apk_valued, {"X", "p", "t", "Q"})
	sub := ops[0]
	sub in {"add", "upgrade", "update", "fix", "fetch"}
	not stage_built_packages(array.slice(ops, 1, count(ops)), x.instr.run)
}

switches contains {"x": x, "text": sprintf("%s %s", [c.name, a]), "key": sprintf("apt-%s", [trim_left(a, "-")]), "effect": unsigned_packages} if {
	some n in apt_tools & hd.built_command_names
	some x in hd.commands_by_name[n]
	c := x.cmd
	some a in hd.options(c.args)
	a in {"--allow-unauthenticated", "--allow-insecure-repositories", "--allow-downgrade-to-insecure-repositories"}
}

switches contains {"x": x, "text": sprintf("%s -o %s", [c.name, a]), "key": "apt-option", "effect": unsigned_packages} if {
	some n in apt_tools & hd.built_command_names
	some x in hd.commands_by_name[n]
	c := x.cmd
	some a in c.args
	regex.match(`(?i)(AllowInsecureRepositories|AllowUnauthenticated|AllowDowngradeToInsecureRepositories)=["']?(true|yes|1|on)`, a)
}

switches contains {"x": x, "text": sprintf("%s -o %s", [c.name, a]), "key": "apt-tls-option", "effect": tls_off} if {
	some n in apt_tools & hd.built_command_names
	some x in hd.commands_by_name[n]
	c := x.cmd
	some a in c.args
	regex.match(`(?i)Verify-(Peer|Host)=["']?(false|no|0|off)`, a)
}

switches contains {"x": x, "text": sprintf("%s %s", [c.name, a]), "key": "rpm-nogpgcheck", "effect": unsigned_packages} if {
	some n in rpm_managers & hd.built_command_names
	some x in hd.commands_by_name[n]
	c := x.cmd
	some a in hd.options(c.args)
	a in {"--nogpgcheck", "--no-gpgcheck", "--no-gpg-checks"}
}

switches contains {"x": x, "text": sprintf("%s %s", [c.name, a]), "key": "rpm-setopt", "effect": unsigned_packages} if {
	some n in rpm_managers & hd.built_command_names
	some x in hd.commands_by_name[n]
	c := x.cmd
	some a in c.args
	regex.match(`(?i)(^|[^_])gpgcheck=["']?(0|false|no)`, a)
}

switches contains {"x": x, "text": sprintf("%s %s", [c.name, a]), "key": "rpm-sslverify", "effect": tls_off} if {
	some n in rpm_managers & hd.built_command_names
	some x in hd.commands_by_name[n]
	c := x.cmd
	some a in c.args
	regex.match(`(?i)sslverify=["']?(0|false|no)`, a)
}

switches contains {"x": x, "text": sprintf("rpm %s", [a]), "key": "rpm-nosignature", "effect": unsigned_packages} if {
	some x in hd.commands_by_name.rpm
	c := x.cmd
	some a in hd.options(c.args)
	a in {"--nosignature", "--nodigest"}
	rpm_installs(c.args)
}

# add-apt-repository writes the source line it is given, `[trusted=yes]`
# included, to a sources file itself.
switches contains {"x": x, "text": sprintf("%s %s", [c.name, trim_space(m)]), "key": "apt-trusted", "effect": unsigned_packages} if {
	some n in {"add-apt-repository", "apt-add-repository"} & hd.built_command_names
	some x in hd.commands_by_name[n]
	c := x.cmd
	some a in c.args
	contains(a, "=yes")
	some m in regex.find_n(apt_trusted_pattern, a, -1)
	not regex.match(local_source_pattern, m)
}
switches contains {"x": x, "text": sprintf("%s %s", [c.name, f]), "key": "pip-trusted-host", "effect": "pip accepts any certificate (or plain HTTP) from that host"} if {
	some n in hd.built_command_names
	pip_name(n)
	some x in hd.commands_by_name[n]
	pip_command(x.cmd)
	c := x.cmd
	some f in pip_trusted_host(c.args)
}

switches contains {"x": x, "text": sprintf("%s %s", [c.name, concat(" ", c.args)]), "key": "npm-strict-ssl", "effect": tls_off} if {
	some n in {"npm", "yarn", "pnpm"} & hd.built_command_names
	some x in hd.commands_by_name[n]
	c := x.cmd
	npm_strict_ssl_off(c.args)
}

switches contains {"x": x, "text": sprintf("git %s", [t]), "key": "git-sslverify", "effect": tls_off} if {
	some x in hd.commands_by_name.git
	c := x.cmd
	t := git_sslverify_off(c.args)
}

switches contains {"x": x, "text": sprintf("%s %s", [c.name, concat(" ", c.args)]), "key": "conda-ssl-verify", "effect": tls_off} if {
	some n in {"conda", "mamba", "micromamba"} & hd.built_command_names
	some x in hd.commands_by_name[n]
	c := x.cmd
	some i, a in c.args
	a == "--set"
	lower(hd.value_after(c.args, i)) == "ssl_verify"
	lower(hd.value_after(c.args, i + 1)) in off_words
}

# Variables set for one command (`NODE_TLS_REJECT_UNAUTHORIZED=0 npm ci`)
# or exported for the rest of the RUN.
switches contains {"x": x, "text": sprintf("%s=%s", [k, v]), "key": sprintf("env-%s", [upper(k)]), "effect": e} if {
	some r in hd.runs
	some i, c in r.instr.run.commands
	some k, v in c.assigns
	upper(k) in insecure_env_names
	e := insecure_env(k, v)
	x := {"stage": r.stage, "instr": r.instr, "final": r.final, "index": i, "cmd": c}
}

switches contains {"x": x, "text": sprintf("%s %s", [c.name, a]), "key": sprintf("env-%s", [upper(kv[0])]), "effect": e} if {
	some n in {"export", "declare", "typeset", "env"} & hd.built_command_names
	some x in hd.commands_by_name[n]
	c := x.cmd
	some a in c.args
	contains(a, "=")
	kv := split_assignment(a)
	upper(kv[0]) in insecure_env_names
	e := insecure_env(kv[0], kv[1])
}

# run_scope(x): how long a switch of the command x lasts. `git config`,
# `npm config set` and the like save it to a configuration file.
run_scope(x) := "; it is saved to a configuration file that stays in the final image, so it also applies at run time" if {
	saves_config(x.cmd)
	x.final
} else := " for the rest of that stage's build (it is saved to a configuration file)" if {
	saves_config(x.cmd)
} else := " during the build"

saves_config(c) if {
	c.name in {"npm", "yarn", "pnpm", "git", "conda", "mamba", "micromamba", "pip", "pip3"}
	some a in array.slice(c.args, 0, 2)
	a in {"config", "set"}
}

# add-apt-repository saves the source line to /etc/apt/sources.list.d.
saves_config(c) if c.name in {"add-apt-repository", "apt-add-repository"}

tls_off := "TLS certificates are not checked, so downloads can be replaced in transit"

unsigned_packages := "package signatures are not checked, so packages can be replaced in transit or on the mirror"

off_words := {"false", "no", "0", "off"}

apt_tools := {"apt-get", "apt", "aptitude"}

rpm_managers := {"yum", "dnf", "dnf5", "microdnf", "tdnf", "zypper", "yum-config-manager"}

apk_valued := {"-X", "--repository", "-p", "--root", "-t", "--virtual", "--arch", "--cache-dir", "--keys-dir", "--repositories-file", "--timeout", "--wait"}

# curl_insecure(args): -k in a cluster of short options, or --insecure.
curl_insecure(args) := f if {
	f := hd.long_flag(args, "--insecure")
} else := hd.short_flag(args, "k", curl_valued)

# curl's short options that take a value.
curl_valued := {"o", "H", "d", "u", "X", "A", "e", "T", "F", "w", "K", "x", "m", "r", "E", "b", "c", "C", "D", "Y", "y", "z", "Q", "U", "P", "t"}

# An rpm command that installs, upgrades or freshens packages (queries
# with --nosignature install nothing).
rpm_installs(args) if {
	some a in hd.options(args)
	regex.match(`^(-[A-Za-z]*[iUF][A-Za-z]*|--install|--upgrade|--freshen|--reinstall)$`, a)
}

pip_command(c) if regex.match(`^pip[0-9.]*$`, c.name)

pip_command(c) if {
	regex.match(`^python[0-9.]*$`, c.name)
	"pip" in c.args
}

pip_command(c) if c.name == "uv"

# pip_name(n): a command name pip_command may accept; tested once per
# distinct name instead of once per command.
pip_name(n) if strings.any_prefix_match(n, ["pip", "python"])

pip_name("uv")

pip_trusted_host(args) := {f | f := hd.long_flag(args, "--trusted-host")} | {a |
	some a in args
	regex.match(`^[a-z]+\.trusted-host$`, a)
}

npm_strict_ssl_off(args) if {
	some i, a in args
	lower(a) in {"strict-ssl", "enablestrictssl"}
	lower(hd.value_after(args, i)) in off_words
}

npm_strict_ssl_off(args) if {
	some a in args
	regex.match(`(?i)^(--)?(strict-ssl|enableStrictSsl)=["']?(false|no|0|off)`, a)
}

npm_strict_ssl_off(args) if "--no-strict-ssl" in hd.options(args)

# git -c http.sslVerify=false, git config [--global] http.sslVerify false
# (also per URL: http.https://host/.sslVerify).
git_sslverify_off(args) := a if {
	some a in args
	regex.match(`(?i)^http\.(.*\.)?sslverify=["']?(false|no|0|off)["']?$`, a)
} else := concat(" ", [a, hd.value_after(args, i)]) if {
	"config" in args
	some i, a in args
	regex.match(`(?i)^http\.(.*\.)?sslverify$`, a)
	lower(hd.value_after(args, i)) in off_words
}

split_assignment(a) := [k, v] if {
	regex.match(`^[A-Za-z_][A-Za-z0-9_]*=`, a)
	i := indexof(a, "=")
	k := substring(a, 0, i)
	v := trim(substring(a, i + 1, -1), "\"'")
}

# ---------------------------------------------------------------------------
# Environment variables
# ---------------------------------------------------------------------------

# insecure_env_names: the names insecure_env knows, upper case. Call sites
# test a name against it before calling insecure_env, whose nine bodies
# would otherwise each run for every variable of every document.
insecure_env_names := {
	"NODE_TLS_REJECT_UNAUTHORIZED", "GIT_SSL_NO_VERIFY", "PYTHONHTTPSVERIFY",
	"PIP_TRUSTED_HOST", "NPM_CONFIG_STRICT_SSL", "YARN_ENABLE_STRICT_SSL",
	"CONDA_SSL_VERIFY", "GOSUMDB", "GOINSECURE",
}

# insecure_env(name, value): what the variable turns off, when its value
# does. Node only disables checks for the exact value 0; git for any value
# of GIT_SSL_NO_VERIFY, even empty or "false" (it tests whether it is set).
insecure_env(name, value) := "Node.js accepts any TLS certificate" if {
	upper(name) == "NODE_TLS_REJECT_UNAUTHORIZED"
	trim_space(value) == "0"
}

insecure_env(name, _) := "git accepts any TLS certificate" if upper(name) == "GIT_SSL_NO_VERIFY"

insecure_env(name, value) := "Python's default HTTPS context does not verify certificates (on interpreters that honour PEP 493)" if {
	upper(name) == "PYTHONHTTPSVERIFY"
	trim_space(value) == "0"
}

insecure_env(name, value) := "pip accepts any certificate (or plain HTTP) from those hosts" if {
	upper(name) == "PIP_TRUSTED_HOST"
	trim_space(value) != ""
}

insecure_env(name, value) := "npm accepts any TLS certificate" if {
	upper(name) == "NPM_CONFIG_STRICT_SSL"
	lower(trim_space(value)) in off_words
}

insecure_env(name, value) := "Yarn accepts any TLS certificate" if {
	upper(name) == "YARN_ENABLE_STRICT_SSL"
	lower(trim_space(value)) in off_words
}

insecure_env(name, value) := "conda accepts any TLS certificate" if {
	upper(name) == "CONDA_SSL_VERIFY"
	lower(trim_space(value)) in off_words
}

insecure_env(name, value) := "Go modules are not checked against the checksum database" if {
	upper(name) == "GOSUMDB"
	lower(trim_space(value)) == "off"
}

insecure_env(name, value) := "Go fetches those modules over plain HTTP or unverified TLS" if {
	upper(name) == "GOINSECURE"
	trim_space(value) != ""
}

# ENV: persists into the image (and every stage that inherits it).
deny contains r if {
	some s in input.stages
	s.needed_by_final
	some k in s.instruction_index.env
	instr := s.instructions[k]
	some kv in lib.list(instr.env)
	upper(kv.key) in insecure_env_names
	e := insecure_env(kv.key, lib.str(kv.value))
	r := {
		"msg": sprintf("ENV %s=%s in %s: %s%s", [kv.key, kv.value, lib.stage_label(s.index), e, env_scope(s)]),
		"location": instr.location,
		"stage": s.index,
		"key": sprintf("env:%s", [kv.key]),
	}
}

env_scope(s) := "; ENV persists in the final image, so this applies to the application at run time, not just the build" if s.in_final_chain

else := " for the rest of that stage's build (the final image does not inherit the stage)"

# ARG: the value is in the environment of the RUNs that follow, not in the
# image configuration.
deny contains r if {
	some s in input.stages
	s.needed_by_final
	some k in s.instruction_index.arg
	instr := s.instructions[k]
	some d in lib.list(instr.arg)
	d.defined
	upper(d.name) in insecure_env_names
	e := insecure_env(d.name, lib.str(d.value))
	r := {
		"msg": sprintf("ARG %s=%s in %s: %s in the RUNs that follow (build only: ARG values are not kept in the image's environment)", [d.name, d.value, lib.stage_label(s.index), e]),
		"location": instr.location,
		"stage": s.index,
		"key": sprintf("arg:%s", [d.name]),
	}
}

persists_text(x) := "; the file stays in the final image" if x.final

else := ""

# ---------------------------------------------------------------------------
# Configuration files
# ---------------------------------------------------------------------------

# file_settings: settings that turn verification off, by the configuration
# file they are written to (regular expressions on the path and the text).
file_settings := [
	{"path": `sources\.list`, "pattern": apt_trusted_pattern, "key": "apt-trusted", "effect": unsigned_packages},
	{"path": `/etc/apt/apt\.conf`, "pattern": `(?i)(AllowInsecureRepositories|AllowUnauthenticated)\s*"?(true|yes|1)"?`, "key": "apt-conf", "effect": unsigned_packages},
	{"path": `/etc/apt/apt\.conf`, "pattern": `(?i)Verify-(Peer|Host)\s*"?(false|no|0)"?`, "key": "apt-conf-tls", "effect": tls_off},
	{"path": `(/etc/yum\.repos\.d/|/etc/yum\.conf|/etc/dnf/|/etc/zypp/|\.repo$)`, "pattern": `(?i)(^|[^_])gpgcheck\s*=\s*(0|false|no)\b`, "key": "gpgcheck", "effect": unsigned_packages},
	{"path": `(/etc/yum\.repos\.d/|/etc/yum\.conf|/etc/dnf/|/etc/zypp/|\.repo$)`, "pattern": `(?i)sslverify\s*=\s*(0|false|no)\b`, "key": "sslverify", "effect": tls_off},
	{"path": `npmrc$`, "pattern": `(?i)strict-ssl\s*=\s*false`, "key": "npmrc", "effect": tls_off},
	{"path": `yarnrc(\.yml)?$`, "pattern": `(?i)(strict-ssl\s+false|enableStrictSsl:\s*false)`, "key": "yarnrc", "effect": tls_off},
	{"path": `wgetrc$`, "pattern": `(?i)check_certificate\s*=\s*(off|0|false|no)`, "key": "wgetrc", "effect": tls_off},
	{"path": `curlrc$`, "pattern": `(?m)^\s*(-k|--insecure|insecure)\s*$`, "key": "curlrc", "effect": tls_off},
	{"path": `pip\.(conf|ini)$`, "pattern": `(?i)trusted-host\s*=\s*\S+`, "key": "pip-conf", "effect": "pip accepts any certificate (or plain HTTP) from those hosts"},
	{"path": `gitconfig$`, "pattern": `(?i)sslverify\s*=\s*(false|no|0|off)`, "key": "gitconfig", "effect": tls_off},
	{"path": `condarc$`, "pattern": `(?i)ssl_verify:\s*(false|no)`, "key": "condarc", "effect": tls_off},
]

# apt_trusted_pattern: an APT source option that accepts unsigned packages,
# with the URI that follows it.
apt_trusted_pattern := `\[[^\]]*\b(trusted|allow-insecure)=yes[^\]]*\]\s*\S*`

# local_source_pattern: the URI is a local directory (file: or copy:).
local_source_pattern := `\]\s*(file|copy):`

# any_settings_path matches the paths of every file_settings entry: one
# regexp per written file instead of one per setting. Written out (a rule
# built from file_settings would be rebuilt for every document);
# test_any_settings_path_matches_file_settings keeps it in step.
any_settings_path := `(?:sources\.list)|(?:/etc/apt/apt\.conf)|(?:/etc/apt/apt\.conf)|(?:(/etc/yum\.repos\.d/|/etc/yum\.conf|/etc/dnf/|/etc/zypp/|\.repo$))|(?:(/etc/yum\.repos\.d/|/etc/yum\.conf|/etc/dnf/|/etc/zypp/|\.repo$))|(?:npmrc$)|(?:yarnrc(\.yml)?$)|(?:wgetrc$)|(?:curlrc$)|(?:pip\.(conf|ini)$)|(?:gitconfig$)|(?:condarc$)`

# shown(m): a matched setting for messages, without the character matched
# before it to tell `gpgcheck` from `repo_gpgcheck`.
shown(m) := trim_space(regex.replace(m, `(?i)^.?(gpgcheck)`, "$1"))

# local_repository: a `[trusted=yes]` source that is a local directory
# (file: or copy: URI), the way docker-library images install packages they
# just built from source.
local_repository(s, m) if {
	s.key == "apt-trusted"
	regex.match(local_source_pattern, m)
}

# stage_built_packages(pkgs, run): every package argument is a local .apk
# file under a RUN --mount from a build stage: packages this build made.
stage_built_packages(pkgs, run) if {
	count(pkgs) > 0
	every p in pkgs {
		endswith(p, ".apk")
		some m in lib.list(run.mounts)
		m.from_stage >= 0
		startswith(p, trim_right(lib.str(m.target), "/"))
	}
}

# ---------------------------------------------------------------------------
# Images
# ---------------------------------------------------------------------------

# Config Env: in effect for every process of the container.
deny contains r if {
	img.is_image
	some e in lib.list(input.config.env)
	not e.secret
	upper(e.name) in insecure_env_names
	what := insecure_env(e.name, lib.str(e.value))
	r := img.finding(
		sprintf("config Env %s=%s: %s; it is in the image's environment, so this applies to the application at run time, not just the build", [e.name, e.value, what]),
		sprintf("env:%s", [e.name]),
		-1, env_history(e.name), "",
	)
}

env_history(name) := h if h := img.last_history("ENV", name)

else := -1

# Recorded RUN commands: the same switches as in a Dockerfile's RUNs.
deny contains r if {
	some what in switches
	h := what.x.instr.history
	r := history_finding(what.text, h, what.effect, what.key)
}

# Settings written into configuration files by a recorded RUN.
deny contains r if {
	some w in hd.built_writes
	h := w.x.instr.history
	regex.match(any_settings_path, w.path)
	some s in file_settings
	regex.match(s.path, w.path)
	some m in regex.find_n(s.pattern, w.text, -1)
	not local_repository(s, m)
	r := history_finding(sprintf("%s written to %s", [shown(m), w.path]), h, s.effect, s.key)
}

history_finding(text, h, effect, key) := img.finding(
	sprintf("%s in the RUN of history entry %d: %s during the build", [text, h, effect]),
	sprintf("run:%s", [object.get(history_keys, key, key)]),
	-1, h, "",
)

# history_keys: the finding keys of image findings whose switch the history
# branch, when it matched text, reported under a key of its own; kept so that
# fingerprints (and baselines) of image findings stay the same.
history_keys := {
	"apt-allow-insecure-repositories": "apt-allow-unauthenticated",
	"apt-allow-downgrade-to-insecure-repositories": "apt-allow-unauthenticated",
	"apt-option": "apt-allow-unauthenticated",
	"apt-conf": "apt-allow-unauthenticated",
	"rpm-nogpgcheck": "gpgcheck",
	"rpm-setopt": "gpgcheck",
	"npmrc": "npm-strict-ssl",
	"yarnrc": "npm-strict-ssl",
	"gitconfig": "git-sslverify",
	"condarc": "conda-ssl-verify",
}
