package hardline.rules.verification_disabled_test

import data.hardline.lib.fixtures as fx
import data.hardline.lib.image_fixtures as ix
import data.hardline.rules.verification_disabled as rule

findings(d) := fs if {
	fs := rule.deny with input as d
}

# one(instrs): a single-stage Dockerfile.
one(instrs) := fx.doc([fx.stage(0, "", 1, fx.image_base("alpine:3.20"), fx.alpine, instrs, fx.runtime({}), [0], true)], [])

run_of(cmds) := fx.run(0, 2, "script", cmds, [])

c(argv) := fx.command(argv)

keys(d) := {f.key | some f in findings(d)}

test_curl_k_cluster if {
	fs := findings(one([run_of([c(["curl", "-fsSLk", "https://example.com/x.tgz"])])]))
	count(fs) == 1
	some f in fs
	f.key == "run:curl-insecure"
	startswith(f.msg, "curl -fsSLk: TLS certificates are not checked")
	contains(f.msg, "during the build")
}

test_curl_insecure_long if keys(one([run_of([c(["curl", "--insecure", "-o", "x", "https://h/x"])])])) == {"run:curl-insecure"}

# -k after `--` is an operand; -o's value that happens to contain k is not
# an option; curl -k inside an echoed string is not run.
test_curl_k_not_an_option if {
	count(findings(one([run_of([
		c(["curl", "-o", "-k", "https://h/x"]),
		c(["curl", "-fsSL", "https://h/x", "--", "-k"]),
		c(["echo", "curl -k https://h/x"]),
		c(["helm", "repo", "add", "x", "https://h", "--insecure-skip-tls-verify"]),
	])]))) == 0
}

test_wget_no_check if keys(one([run_of([c(["wget", "--no-check-certificate", "https://h/x"])])])) == {"run:wget-no-check-certificate"}

test_apk_allow_untrusted if {
	fs := findings(one([run_of([c(["apk", "add", "--no-cache", "--allow-untrusted", "glibc-2.35-r1.apk"])])]))
	some f in fs
	f.key == "run:apk-allow-untrusted"
	startswith(f.msg, "apk add --allow-untrusted: package signatures are not checked")
}

# apk index of packages the build made, and apk add of packages mounted
# from a build stage, are local.
test_apk_local_packages_ok if {
	idx := c(["apk", "index", "--allow-untrusted", "-o", "/tmp/p/APKINDEX.tar.gz", "/tmp/p/x.apk"])
	add := c(["apk", "add", "--no-cache", "--allow-untrusted", "/tmp/packages/nginx-module-njs.apk"])
	r := fx.run_x(0, 2, "script", [idx, add], [], {"mounts": [{"type": "bind", "target": "/tmp/packages/", "from": "builder", "from_stage": 0}]})
	count(findings(one([r]))) == 0
}

test_apt_flags_and_options if {
	ks := keys(one([run_of([
		c(["apt-get", "install", "-y", "--allow-unauthenticated", "foo"]),
		c(["apt-get", "update", "-o", "Acquire::AllowInsecureRepositories=true"]),
		c(["apt-get", "update", "-o", "Acquire::https::Verify-Peer=false"]),
	])]))
	ks == {"run:apt-allow-unauthenticated", "run:apt-option", "run:apt-tls-option"}
}

test_trusted_yes_written_to_sources if {
	w := object.union(c(["echo", "deb [trusted=yes] http://repo.example.com/ ./"]), {"redirects": [{"op": ">", "target": "/etc/apt/sources.list.d/x.list"}]})
	fs := findings(one([run_of([w])]))
	some f in fs
	f.key == "file:/etc/apt/sources.list.d/x.list:apt-trusted"
	contains(f.msg, "the file stays in the final image")
}

# docker-library's local repository of packages built from source.
test_trusted_yes_local_file_repo_ok if {
	w := object.union(c(["echo", "deb [ trusted=yes ] file:///tmp/tmp.x ./"]), {"redirects": [{"op": ">", "target": "/etc/apt/sources.list.d/temp.list"}]})
	count(findings(one([run_of([w])]))) == 0
}

test_gpgcheck_repo_file if {
	w := object.union(c(["echo", "-e", "[x]\\nbaseurl=http://h/\\ngpgcheck=0\\nenabled=1"]), {"redirects": [{"op": ">", "target": "/etc/yum.repos.d/x.repo"}]})
	some f in findings(one([run_of([w])]))
	f.key == "file:/etc/yum.repos.d/x.repo:gpgcheck"
	startswith(f.msg, "gpgcheck=0 written to /etc/yum.repos.d/x.repo")
}

# repo_gpgcheck=0 (unsigned metadata, signed packages) is the default of
# most repositories.
test_repo_gpgcheck_ok if {
	w := object.union(c(["echo", "gpgcheck=1\nrepo_gpgcheck=0"]), {"redirects": [{"op": ">", "target": "/etc/yum.repos.d/x.repo"}]})
	count(findings(one([run_of([w])]))) == 0
}

test_dnf_nogpgcheck_and_rpm if {
	ks := keys(one([run_of([
		c(["dnf", "install", "-y", "--nogpgcheck", "x"]),
		c(["rpm", "-Uvh", "--nosignature", "x.rpm"]),
	])]))
	ks == {"run:rpm-nogpgcheck", "run:rpm-nosignature"}
}

test_rpm_query_nosignature_ok if count(findings(one([run_of([c(["rpm", "-qp", "--nosignature", "x.rpm"])])]))) == 0

test_pip_trusted_host if {
	ks := keys(one([run_of([
		c(["pip", "install", "--trusted-host", "pypi.org", "x"]),
		c(["python3", "-m", "pip", "config", "set", "global.trusted-host", "h"]),
	])]))
	ks == {"run:pip-trusted-host"}
}

test_npm_strict_ssl_saved_in_image if {
	fs := findings(one([run_of([c(["npm", "config", "set", "strict-ssl", "false"])])]))
	some f in fs
	f.key == "run:npm-strict-ssl"
	contains(f.msg, "saved to a configuration file that stays in the final image")
}

test_npm_strict_ssl_true_ok if count(findings(one([run_of([c(["npm", "config", "set", "strict-ssl", "true"])])]))) == 0

test_git_sslverify if {
	ks := keys(one([run_of([
		c(["git", "-c", "http.sslVerify=false", "clone", "https://h/r"]),
		c(["git", "config", "--global", "http.sslverify", "false"]),
	])]))
	ks == {"run:git-sslverify"}
	count(findings(one([run_of([c(["git", "config", "--global", "http.sslVerify", "true"])])]))) == 0
}

test_npmrc_and_wgetrc_written if {
	a := object.union(c(["echo", "strict-ssl=false"]), {"redirects": [{"op": ">>", "target": "/root/.npmrc"}]})
	b := object.union(c(["echo", "check_certificate = off"]), {"redirects": [{"op": ">>", "target": "/root/.wgetrc"}]})
	keys(one([run_of([a, b])])) == {"file:/root/.npmrc:npmrc", "file:/root/.wgetrc:wgetrc"}
}

test_env_persists_in_final if {
	fs := findings(one([fx.env(0, 3, "NODE_TLS_REJECT_UNAUTHORIZED", "0", "0")]))
	some f in fs
	f.key == "env:NODE_TLS_REJECT_UNAUTHORIZED"
	f.location.start_line == 3
	contains(f.msg, "ENV persists in the final image")
}

test_env_values_judged if {
	ok := [
		fx.env(0, 3, "NODE_TLS_REJECT_UNAUTHORIZED", "1", "1"),
		fx.env(1, 4, "PYTHONHTTPSVERIFY", "1", "1"),
		fx.env(2, 5, "PIP_TRUSTED_HOST", "", ""),
		fx.env(3, 6, "GOSUMDB", "sum.golang.org", "sum.golang.org"),
	]
	count(findings(one(ok))) == 0
	bad := [
		fx.env(0, 3, "GIT_SSL_NO_VERIFY", "false", "false"),
		fx.env(1, 4, "PIP_TRUSTED_HOST", "pypi.org", "pypi.org"),
		fx.env(2, 5, "GOSUMDB", "off", "off"),
		fx.env(3, 6, "npm_config_strict_ssl", "false", "false"),
	]
	count(findings(one(bad))) == 4
}

# ARG-expanded ENV: the facts carry the expanded value.
test_env_from_arg if {
	fs := findings(one([fx.env(0, 3, "NODE_TLS_REJECT_UNAUTHORIZED", "${TLS}", "0")]))
	count(fs) == 1
}

test_arg_build_only if {
	fs := findings(one([fx.arg(0, 2, "NODE_TLS_REJECT_UNAUTHORIZED", "0", true, {})]))
	some f in fs
	contains(f.msg, "build only")
}

test_assign_and_export if {
	a := object.union(c(["npm", "ci"]), {"assigns": {"NODE_TLS_REJECT_UNAUTHORIZED": "0"}})
	b := c(["export", "GIT_SSL_NO_VERIFY=1"])
	keys(one([run_of([a, b])])) == {"run:env-NODE_TLS_REJECT_UNAUTHORIZED", "run:env-GIT_SSL_NO_VERIFY"}
}

# A builder stage the target needs is reported, saying it is not shipped;
# a stage the build never runs is not.
test_builder_stage if {
	b := object.union(fx.stage(0, "builder", 1, fx.image_base("alpine:3.20"), fx.alpine, [fx.run(0, 2, "s", [c(["curl", "-k", "https://h/x"])], [])], fx.runtime({}), [0], false), {"needed_by_final": true})
	unused := fx.stage(1, "unused", 3, fx.image_base("alpine:3.20"), fx.alpine, [fx.run(0, 4, "s", [c(["wget", "--no-check-certificate", "https://h/x"])], [])], fx.runtime({}), [1], false)
	final := fx.stage(2, "", 5, fx.image_base("alpine:3.20"), fx.alpine, [], fx.runtime({}), [2], true)
	fs := findings(fx.doc([b, unused, final], []))
	count(fs) == 1
	some f in fs
	f.location.start_line == 2
	contains(f.msg, "a build stage the final image does not inherit")
}

# --- images ---------------------------------------------------------------------

test_image_config_env if {
	d := ix.image_doc({"config": {"env": [{"name": "NODE_TLS_REJECT_UNAUTHORIZED", "value": "0", "secret": false}, {"name": "PATH", "value": "/usr/bin", "secret": false}]}})
	fs := findings(d)
	count(fs) == 1
	some f in fs
	f.key == "env:NODE_TLS_REJECT_UNAUTHORIZED"
	contains(f.msg, "at run time")
}

hist_keys(texts) := {[f.key, f.history] | some f in findings(ix.image_doc(ix.with_history([ix.run_hist(i, t, i) | some i, t in texts])))}

test_image_history_runs if {
	d := ix.image_doc(ix.with_history([
		ix.hist(0, "ADD", "ADD rootfs.tar.gz / # buildkit", 0),
		ix.run_hist(1, "RUN /bin/sh -c apk add --allow-untrusted glibc.apk # buildkit", 1),
		ix.run_hist(2, "RUN |1 V=1 /bin/sh -c curl -sSLk https://h/x | tar x # buildkit", 2),
		ix.run_hist(3, "RUN /bin/sh -c apk index --allow-untrusted -o /p/APKINDEX.tar.gz /p/*.apk # buildkit", 3),
		ix.run_hist(4, "RUN /bin/sh -c curl -fsSL https://h/x -o /x # buildkit", 4),
	]))
	fs := findings(d)
	{[f.key, f.history] | some f in fs} == {["run:apk-allow-untrusted", 1], ["run:curl-insecure", 2]}
	some f in fs
	f.history == 2
	f.msg == "curl -sSLk in the RUN of history entry 2: TLS certificates are not checked, so downloads can be replaced in transit during the build"
}

# The Dockerfile switch table judges recorded commands, in every recording
# style and across chains and line continuations; keys stay those the
# history branch used (run:apt-allow-unauthenticated, run:gpgcheck,
# run:npm-strict-ssl for the file setting).
test_image_history_switches if {
	hist_keys([
		"/bin/sh -c apt-get update; apt-get install -y --allow-unauthenticated foo",
		"RUN /bin/sh -c wget \\\n    --no-check-certificate https://h/y # buildkit",
		"RUN /bin/sh -c NODE_TLS_REJECT_UNAUTHORIZED=0 npm ci # buildkit",
		"RUN /bin/sh -c git config --global http.sslVerify false # buildkit",
		"RUN |2 A=1 B=2 /bin/sh -c pip install --trusted-host pypi.org flask # buildkit",
		`RUN /bin/sh -c echo "deb [trusted=yes] http://repo.example.com/ ./" > /etc/apt/sources.list.d/x.list # buildkit`,
		"/bin/sh -c dnf install -y --nogpgcheck x && echo strict-ssl=false >> /root/.npmrc",
	]) == {
		["run:apt-allow-unauthenticated", 0],
		["run:wget-no-check-certificate", 1],
		["run:env-NODE_TLS_REJECT_UNAUTHORIZED", 2],
		["run:git-sslverify", 3],
		["run:pip-trusted-host", 4],
		["run:apt-trusted", 5],
		["run:gpgcheck", 6],
		["run:npm-strict-ssl", 6],
	}
}

# Text that only mentions a switch (an echo into a file that is not a
# configuration file) and a local repository are not reported.
test_image_history_mentions_are_not_switches if {
	count(hist_keys([
		`RUN /bin/sh -c echo "use curl -k or wget --no-check-certificate; apk add --allow-untrusted x" > /NOTES # buildkit`,
		`RUN /bin/sh -c echo "deb [trusted=yes] file:/tmp/repo ./" > /etc/apt/sources.list.d/local.list # buildkit`,
	])) == 0
}

test_image_clean if count(findings(ix.image_doc({}))) == 0

test_dockerfile_doc_has_no_image_findings if {
	d := object.union(one([]), {"config": {"env": [{"name": "GIT_SSL_NO_VERIFY", "value": "1", "secret": false}]}})
	count(findings(d)) == 0
}

# --- command lookups by name (hd.commands_by_name) ------------------------------

# The same switch in two RUNs and in two stages the build runs is reported
# once per RUN; several tools of one family in one RUN each report.
test_switches_per_run_and_tool if {
	b := object.union(fx.stage(0, "builder", 1, fx.image_base("alpine:3.20"), fx.alpine, [fx.run(0, 2, "s", [c(["curl", "-k", "https://h/x"])], [])], fx.runtime({}), [0], false), {"needed_by_final": true})
	final := fx.stage(1, "", 3, fx.image_base("fedora:40"), fx.unknown, [
		fx.run(0, 4, "s", [c(["curl", "-k", "https://h/y"]), c(["dnf", "install", "--nogpgcheck", "x"]), c(["yum", "--setopt=sslverify=0", "install", "y"])], []),
		fx.run(1, 5, "s", [c(["microdnf", "install", "--nogpgcheck", "z"])], []),
	], fx.runtime({}), [1], true)
	fs := findings(fx.doc([b, final], []))
	{[f.location.start_line, f.key] | some f in fs} == {[2, "run:curl-insecure"], [4, "run:curl-insecure"], [4, "run:rpm-nogpgcheck"], [4, "run:rpm-sslverify"], [5, "run:rpm-nogpgcheck"]}
}

# pip is found under versioned names; names that only start like pip or
# python are not pip.
test_pip_names if {
	keys(one([run_of([c(["pip3.11", "install", "--trusted-host=h", "x"])])])) == {"run:pip-trusted-host"}
	keys(one([run_of([c(["python3.12", "-m", "pip", "install", "--trusted-host", "h", "x"])])])) == {"run:pip-trusted-host"}
	keys(one([run_of([c(["uv", "pip", "install", "--trusted-host", "h", "x"])])])) == {"run:pip-trusted-host"}
	count(findings(one([run_of([
		c(["pipx", "install", "--trusted-host", "h", "x"]),
		c(["pythonista", "pip", "--trusted-host", "h"]),
		c(["python3", "-m", "venv", "--trusted-host", "h"]),
	])]))) == 0
}

# Variable names are matched without regard to case, as before the name
# prefilter; other names and values that merely mention one are not.
test_env_names_case_and_lookalikes if {
	keys(one([run_of([c(["export", "git_ssl_no_verify=1"])])])) == {"run:env-GIT_SSL_NO_VERIFY"}
	fs := findings(one([fx.env(0, 2, "node_tls_reject_unauthorized", "0", "0")]))
	{f.key | some f in fs} == {"env:node_tls_reject_unauthorized"}
	count(findings(one([run_of([
		c(["export", "FOO=GIT_SSL_NO_VERIFY"]),
		c(["export", "GIT_SSL_NO_VERIFY_X=1"]),
		c(["env"]),
		object.union(c(["npm", "ci"]), {"assigns": {"NODE_TLS_REJECT_UNAUTHORIZED_X": "0"}}),
	])]))) == 0
}

# Written configuration: the path must be one of the settings' files, and
# a file whose name only contains one is not.
test_file_paths_anchored if {
	a := object.union(c(["echo", "strict-ssl=false"]), {"redirects": [{"op": ">>", "target": "/root/.npmrc.bak"}]})
	b := object.union(c(["echo", "sslverify=0"]), {"redirects": [{"op": ">", "target": "/etc/yum.repos.d.txt"}]})
	count(findings(one([run_of([a, b])]))) == 0
	g := object.union(c(["echo", "sslverify=0"]), {"redirects": [{"op": ">", "target": "/etc/zypp/repos.d/x.repo"}]})
	keys(one([run_of([g])])) == {"file:/etc/zypp/repos.d/x.repo:sslverify"}
}

test_any_settings_path_matches_file_settings if {
	rule.any_settings_path == concat("|", [sprintf("(?:%s)", [s.path]) | some s in rule.file_settings])
}

# add-apt-repository writes the line it is given to a sources file; a PPA,
# a signed-by source and a local directory are fine.
test_add_apt_repository_trusted if {
	fs := findings(one([run_of([c(["add-apt-repository", "-y", "deb [arch=amd64 trusted=yes] http://repo.example.com/ubuntu focal main"])])]))
	count(fs) == 1
	some f in fs
	f.key == "run:apt-trusted"
	startswith(f.msg, "add-apt-repository [arch=amd64 trusted=yes] http://repo.example.com/ubuntu: package signatures are not checked")
	contains(f.msg, "saved to a configuration file that stays in the final image")
}

test_apt_add_repository_allow_insecure if keys(one([run_of([c(["apt-add-repository", "deb [allow-insecure=yes] http://repo.example.com/ ./"])])])) == {"run:apt-trusted"}

test_add_apt_repository_verified_or_local if {
	count(findings(one([run_of([
		c(["add-apt-repository", "-y", "ppa:deadsnakes/ppa"]),
		c(["add-apt-repository", "deb [signed-by=/usr/share/keyrings/x.gpg] https://repo.example.com/ubuntu focal main"]),
		c(["add-apt-repository", "deb [trusted=yes] file:/tmp/repo ./"]),
		c(["echo", "add-apt-repository 'deb [trusted=yes] http://repo.example.com/ ./'"]),
	])]))) == 0
}
