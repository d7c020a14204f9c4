# METADATA
# title: Package manager cache left in the image
# description: |
#   Package indexes and downloaded packages are only needed while packages
#   are installed. Left in a layer they add tens to hundreds of megabytes to
#   every pull, and a stale index in the image invites installing from it
#   later. They must be removed in the same RUN that creates them (a later
#   RUN only hides them: the lower layer still ships), or never written:
#
#   - apt: `apt-get update` fills /var/lib/apt/lists; remove it with
#     `rm -rf /var/lib/apt/lists/*` in the same RUN. Downloaded .deb files
#     are not reported: the Debian and Ubuntu images that apt images derive
#     from delete them after every install (apt's docker-clean hook).
#   - apk: `apk add`, `apk update` and `apk upgrade` without `--no-cache`
#     store the index in /var/cache/apk.
#   - yum, dnf, microdnf, tdnf, zypper: metadata and packages stay in
#     /var/cache until `… clean all` (`zypper clean`).
#   - pip (and `uv pip`): wheels and downloads stay in ~/.cache/pip
#     (~/.cache/uv) without `--no-cache-dir` (`--no-cache`) or
#     PIP_NO_CACHE_DIR (UV_NO_CACHE).
#   - npm and yarn: `npm install`/`npm ci` keep ~/.npm/_cacache and
#     `yarn install` /usr/local/share/.cache/yarn until `npm cache clean
#     --force` / `yarn cache clean`.
#
#   A cache or tmpfs mount over the cache directory
#   (`RUN --mount=type=cache,target=/var/cache/apk`) keeps it out of the
#   layer and is not reported. Only the stages the final image is built
#   from are checked: a builder stage's caches do not ship.
#
#   In a built image, the cache directories of the squashed filesystem
#   that hold files are reported, with their size, and attributed to the
#   layer that put the most bytes there.
# custom:
#   id: HL1019
#   name: package-cache-left
#   severity: low
#   tags: [packages, build-deps]
#   inputs: [dockerfile, image]
#   controls:
#     nist-800-190: ["4.1.2"]
#   remediation: |
#     Do not write the cache, or remove it in the same RUN:
#
#         RUN apk add --no-cache curl
#         RUN apt-get update && apt-get install -y --no-install-recommends curl \
#          && rm -rf /var/lib/apt/lists/*
#         RUN dnf install -y curl && dnf clean all
#         RUN pip install --no-cache-dir -r requirements.txt
#         RUN npm ci && npm cache clean --force
#
#     With BuildKit, a cache mount keeps the cache between builds and out of
#     the image: `RUN --mount=type=cache,target=/root/.cache/pip pip install …`.
#   examples:
#     bad: |
#       FROM python:3.12-alpine
#       RUN apk add curl
#       RUN pip install -r requirements.txt
#     good: |
#       FROM python:3.12-alpine
#       RUN apk add --no-cache curl
#       RUN pip install --no-cache-dir -r requirements.txt
package hardline.rules.package_cache_left

import data.hardline.lib.dockerfile as lib
import data.hardline.lib.hygiene
import data.hardline.lib.image as img

# --- Dockerfiles ----------------------------------------------------------------

deny contains r if {
	some x in hygiene.shipped_runs
	run := x.instr.run
	count(lib.packages(run)) > 0 # every kind of cache below comes from a package operation
	some c in caches_left(x.stage, run)
	r := {
		"msg": sprintf("%s: %s leaves %s in the image layer of this RUN (%s)", [stage_label(x.stage), c.what, c.path, c.fix]),
		"location": x.instr.location,
		"stage": x.stage.index,
		"key": c.path,
	}
}

rpm_managers := {"yum", "dnf", "microdnf", "tdnf"}

# caches_left(stage, run): {what, path, fix} for each cache the RUN leaves.
# Only the checks of the package managers the RUN uses run (each of them
# looks at that manager's operations only).
caches_left(stage, run) := {c |
	some m in {op.manager | some op in lib.packages(run)}
	some c in manager_caches_left(m, stage, run)
}

manager_caches_left("apk", _, run) := apk_left(run)

manager_caches_left("apt", _, run) := apt_left(run)

manager_caches_left(m, _, run) := rpm_left(run) if m in rpm_managers

manager_caches_left("zypper", _, run) := zypper_left(run)

manager_caches_left("pip", stage, run) := pip_left(stage, run)

manager_caches_left("npm", _, run) := npm_left(run)

manager_caches_left("yarn", _, run) := yarn_left(run)

apk_left(run) := {{"what": sprintf("`apk %s` without --no-cache", [apk_verb(op.action)]), "path": "/var/cache/apk", "fix": "add --no-cache"} |
	some op in lib.packages(run)
	op.manager == "apk"
	op.action in {"install", "update", "upgrade"}
	not apk_no_cache(op)
	not hygiene.removes(run, "/var/cache/apk")
	not hygiene.mounted(run, "/var/cache/apk")
	not hygiene.mounted(run, "/etc/apk/cache")
}

# --no-network installs from files already present and fetches no index.
apk_no_cache(op) if "--no-cache" in lib.list(op.flags)

apk_no_cache(op) if "--no-network" in lib.list(op.flags)

apk_verb("install") := "add"

apk_verb(a) := a if a != "install"

apt_left(run) := {{"what": "`apt-get update`", "path": "/var/lib/apt/lists", "fix": "add `rm -rf /var/lib/apt/lists/*`"} |
	some op in lib.packages(run)
	op.manager == "apt"
	op.action == "update"
	not hygiene.removes(run, "/var/lib/apt/lists")
	not hygiene.mounted(run, "/var/lib/apt/lists")
	not apt_dist_clean(run)
}

# `apt-get dist-clean` (apt 2.7+) removes the lists as well as the archives.
apt_dist_clean(run) if {
	some op in lib.packages(run)
	op.manager == "apt"
	op.action == "clean"
	"dist-clean" in lib.list(lib.commands(run)[op.command].args)
}

rpm_left(run) := {{"what": sprintf("`%s %s` without `%s clean all`", [op.manager, op.action, op.manager]), "path": sprintf("/var/cache/%s", [rpm_cache_dir(op.manager)]), "fix": sprintf("add `%s clean all`", [op.manager])} |
	some op in lib.packages(run)
	op.manager in rpm_managers
	op.action in {"install", "upgrade", "update"}
	not rpm_cleaned(run, op.manager)
}

rpm_cache_dir("dnf") := "dnf"

rpm_cache_dir(m) := "yum" if m in {"yum", "microdnf"}

rpm_cache_dir("tdnf") := "tdnf"

rpm_cleaned(run, _) if {
	some op in lib.packages(run)
	op.manager in rpm_managers
	op.action == "clean"
}

rpm_cleaned(run, m) if hygiene.removes(run, sprintf("/var/cache/%s", [rpm_cache_dir(m)]))

rpm_cleaned(run, m) if hygiene.mounted(run, sprintf("/var/cache/%s", [rpm_cache_dir(m)]))

zypper_left(run) := {{"what": sprintf("`zypper %s` without `zypper clean`", [op.action]), "path": "/var/cache/zypp", "fix": "add `zypper clean --all`"} |
	some op in lib.packages(run)
	op.manager == "zypper"
	op.action in {"install", "upgrade", "update"}
	not zypper_cleaned(run)
}

zypper_cleaned(run) if {
	some op in lib.packages(run)
	op.manager == "zypper"
	op.action == "clean"
}

zypper_cleaned(run) if hygiene.removes(run, "/var/cache/zypp")

zypper_cleaned(run) if hygiene.mounted(run, "/var/cache/zypp")

# pip: `uv pip install` is recognised as pip; uv has its own cache and flag.
pip_left(stage, run) := {pip_cache(tool) |
	some op in lib.packages(run)
	op.manager == "pip"
	op.action == "install"
	tool := pip_tool(run, op)
	not pip_no_cache(stage, run, op, tool)
}

pip_tool(run, op) := "uv" if lib.commands(run)[op.command].name == "uv"

else := "pip"

pip_cache("pip") := {"what": "`pip install` without --no-cache-dir", "path": "~/.cache/pip", "fix": "add --no-cache-dir or set PIP_NO_CACHE_DIR=1"}

pip_cache("uv") := {"what": "`uv pip install` without --no-cache", "path": "~/.cache/uv", "fix": "add --no-cache or set UV_NO_CACHE=1"}

pip_no_cache(_, _, op, "pip") if {
	some f in lib.list(op.flags)
	startswith(f, "--no-cache-dir")
}

pip_no_cache(_, _, op, "uv") if {
	some f in lib.list(op.flags)
	f in {"--no-cache", "-n"}
}

pip_no_cache(stage, run, _, tool) if env_set(stage, run, no_cache_env[tool])

pip_no_cache(_, run, _, tool) if hygiene.removes_home(run, cache_rel[tool])

pip_no_cache(_, run, _, tool) if hygiene.mounted_home(run, cache_rel[tool])

pip_no_cache(_, run, _, "pip") if {
	some op in lib.packages(run)
	op.manager == "pip"
	op.action == "clean"
}

# uv clean / uv cache clean
pip_no_cache(_, run, _, "uv") if {
	some c in lib.commands(run)
	c.name == "uv"
	some a in lib.list(c.args)
	a in {"clean", "prune"}
}

no_cache_env := {"pip": "PIP_NO_CACHE_DIR", "uv": "UV_NO_CACHE"}

cache_rel := {"pip": ".cache/pip", "uv": ".cache/uv", "npm": ".npm", "yarn": ".cache/yarn"}

# env_set(stage, run, name): the variable is set by an ENV of the stage's
# chain, or on the command line of the RUN (`PIP_NO_CACHE_DIR=1 pip …`,
# `export PIP_NO_CACHE_DIR=1`).
env_set(stage, _, name) if object.get(lib.obj(stage.runtime.env), name, "") != ""

env_set(_, run, name) if regex.match(sprintf(`(^|[\s;&|(])(export\s+)?%s=[^\s;&|]`, [name]), lib.str(run.script))

npm_left(run) := {{"what": "`npm install`", "path": "~/.npm/_cacache", "fix": "add `npm cache clean --force`"} |
	some op in lib.packages(run)
	op.manager == "npm"
	op.action == "install"
	not npm_cleaned(run)
}

npm_cleaned(run) if {
	some op in lib.packages(run)
	op.manager == "npm"
	op.action == "clean"
}

npm_cleaned(run) if hygiene.removes_home(run, ".npm/_cacache")

npm_cleaned(run) if hygiene.mounted_home(run, ".npm/_cacache")

# npm install --cache DIR puts the cache elsewhere (usually /tmp, removed).
npm_cleaned(run) if {
	some op in lib.packages(run)
	op.manager == "npm"
	some f in lib.list(op.flags)
	startswith(f, "--cache")
}

yarn_left(run) := {{"what": "`yarn install`", "path": "the yarn cache (/usr/local/share/.cache/yarn)", "fix": "add `yarn cache clean`"} |
	some op in lib.packages(run)
	op.manager == "yarn"
	op.action == "install"
	not yarn_cleaned(run)
}

yarn_cleaned(run) if {
	some op in lib.packages(run)
	op.manager == "yarn"
	op.action == "clean"
}

yarn_cleaned(run) if hygiene.removes(run, "/usr/local/share/.cache/yarn")

yarn_cleaned(run) if hygiene.mounted(run, "/usr/local/share/.cache/yarn")

yarn_cleaned(run) if hygiene.removes_home(run, ".cache/yarn")

yarn_cleaned(run) if hygiene.mounted_home(run, ".cache/yarn")

yarn_cleaned(run) if {
	some op in lib.packages(run)
	op.manager == "yarn"
	some f in lib.list(op.flags)
	startswith(f, "--cache-folder")
}

stage_label(s) := sprintf("stage %d (%q)", [s.index, s.name]) if s.name != ""

else := sprintf("stage %d", [s.index])

# --- images -------------------------------------------------------------------

deny contains r if {
	img.is_image
	some c in lib.list(input.package_caches)
	c.files > 0
	r := img.finding(
		sprintf("%s cache %s holds %d %s (%s), most of it from %s: it ships in the image and serves no purpose at run time", [c.manager, c.path, c.files, files_word(c.files), size_text(c.bytes), img.layer_name(c.layer)]),
		c.path, c.layer, -1, c.path,
	)
}

files_word(1) := "file"

files_word(n) := "files" if n != 1

size_text(b) := sprintf("%.1f MiB", [b / 1048576]) if b >= 1048576

else := sprintf("%.1f KiB", [b / 1024]) if b >= 1024

else := sprintf("%d bytes", [b])
