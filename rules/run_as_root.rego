# METADATA
# title: Final image runs as root
# description: |
#   A container whose process runs as root (UID 0) turns any remote-code-execution
#   bug in the application into root inside the container, and root in the
#   container is one kernel bug or one misconfigured mount away from root on the
#   host. Most base images default to root, so the Dockerfile must switch to an
#   unprivileged user with USER after the last step that needs root.
#
#   In an image, the configured User is resolved against the image's
#   /etc/passwd: an empty User, `root`, `0`, or a name whose UID is 0 runs
#   the container as root. Images whose entrypoint is a process supervisor
#   (s6-overlay's /init, supervisord, runit), or a wrapper script that runs a
#   privilege-drop tool the image ships (gosu, su-exec, setpriv,
#   s6-setuidgid, chpst, runuser), start as root to drop privileges
#   themselves and are not reported.
# custom:
#   id: HL1001
#   name: run-as-root
#   severity: high
#   tags: [user, privilege]
#   inputs: [dockerfile, image]
#   controls:
#     nist-800-190: ["4.1.2"]
#     cis-docker-1.6.0: ["4.1"]
#   remediation: |
#     Create an unprivileged user (or use one the base image provides) and switch
#     to it at the end of the final stage, using a numeric UID so that Kubernetes
#     runAsNonRoot can verify it:
#
#         RUN addgroup -S -g 10001 app && adduser -S -u 10001 -G app app
#         USER 10001:10001
#
#     Distroless images ship a `nonroot` variant (UID 65532) that needs no USER.
#   examples:
#     bad: |
#       FROM python:3.12-slim
#       COPY . /app
#       CMD ["python", "/app/main.py"]
#     good: |
#       FROM python:3.12-slim
#       RUN useradd --system --uid 10001 app
#       COPY . /app
#       USER 10001
#       CMD ["python", "/app/main.py"]
package hardline.rules.run_as_root

import data.hardline.lib.dockerfile as lib
import data.hardline.lib.image as img

root_names := {"root", "0"}

# No USER anywhere in the final chain and the base image defaults to root.
deny contains r if {
	f := lib.final_stage
	not f.windows
	not is_object(object.get(f.runtime, "user", null))
	root_default(f)
	not lib.root_stage(f).base.unresolved
	not drops_privileges
	r := {
		"msg": no_user_msg(f),
		"location": f.location,
		"stage": f.index,
		"key": "no-user",
	}
}

# The effective USER of the final image is root (possibly set in an ancestor
# stage reached through FROM <stage>).
deny contains r if {
	f := lib.final_stage
	not f.windows
	u := f.runtime.user
	is_object(u)
	not u.unresolved
	lower(u.user) in root_names
	not drops_privileges
	r := {
		"msg": sprintf("the final image runs as root: USER %s in %s is the last USER in effect", [u.value, lib.stage_label(u.stage)]),
		"location": u.location,
		"stage": u.stage,
		"key": sprintf("user:%s", [u.value]),
	}
}

# A USER whose value expands to an empty user name (`USER ${DEBUG:+root}`
# with DEBUG unset, `USER :1000`) is root: BuildKit writes the empty user into
# the image config, replacing the base image's user, and the runtime falls
# back to UID 0. A USER that depends on an ARG without a value is unresolved
# instead (the value comes from --build-arg) and is not judged.
deny contains r if {
	f := lib.final_stage
	not f.windows
	u := f.runtime.user
	is_object(u)
	not u.unresolved
	trim_space(lib.str(u.user)) == ""
	not drops_privileges
	r := {
		"msg": sprintf("the final image runs as root: USER %s in %s expands to an empty user name (%q), which means root (it also replaces the base image's user)", [u.raw, lib.stage_label(u.stage), lib.str(u.value)]),
		"location": u.location,
		"stage": u.stage,
		"key": sprintf("user-empty:%s", [u.raw]),
	}
}

# Images whose entrypoint starts as root to drop privileges itself are not
# reported: the docker-library pattern (an entrypoint script that re-executes
# the service with gosu/su-exec/setpriv) and service supervisors (s6-overlay
# /init, supervisord, runit) that run each service under its own user.
drops_privileges if {
	some p in lib.final_exec_programs
	p in lib.supervisors
}

drops_privileges if {
	some p in lib.final_exec_programs
	lib.is_script(p)
	privilege_drop_tool
}

# The ENTRYPOINT inherited from the base image is a supervisor that drops
# privileges (LinuxServer.io's s6-overlay /init).
drops_privileges if lib.final_inherited_init.drops_privileges

drop_tools := {"gosu", "su-exec", "setpriv", "s6-setuidgid", "chpst", "setuidgid"}

# A drop tool is run, installed, downloaded or copied in the final chain.
privilege_drop_tool if {
	some t in drop_tools
	t in lib.final_command_names
}

privilege_drop_tool if {
	some t in drop_tools
	t in lib.final_installed_packages
}

privilege_drop_tool if {
	some u in lib.final_urls
	contains(u, "/gosu")
}

privilege_drop_tool if {
	some t in drop_tools
	t in lib.final_copy_basenames
}

# no_user_msg(f): only a known base image is known to default to root; for
# an unknown one the finding says what it rests on.
no_user_msg(f) := sprintf("no USER instruction: the final image (%s) runs as root; its base image %s defaults to root", [lib.stage_label(f.index), lib.base_image_name(f)]) if {
	f.image.known == true
} else := sprintf("no USER instruction: the final image (%s) runs as root unless its base image %s sets a non-root USER; hardline does not know that image (add USER, or declare the image's user in the configuration)", [lib.stage_label(f.index), lib.base_image_name(f)])

root_default(f) if image_user(f) == ""

root_default(f) if image_user(f) in root_names

root_default(f) if startswith(image_user(f), "0:")

root_default(f) if startswith(image_user(f), "root:")

image_user(f) := lower(lib.str(object.get(f.image, "user", "")))

# --- images -------------------------------------------------------------------

# The configured user of an image resolves to UID 0. Unknown UIDs (a name
# that is not in /etc/passwd: the container does not start) are not judged.
deny contains r if {
	img.is_image
	not img.windows
	input.user.uid_known == true
	input.user.uid == 0
	not image_drops_privileges
	spec := lib.str(input.config.user)
	r := img.finding(image_root_msg(spec), image_root_key(spec), -1, image_user_history, "")
}

image_user_name(spec) := trim_space(split(spec, ":")[0])

# image_root_msg(spec): why the configured user is root.
image_root_msg(spec) := "config User is empty: the container runs as root" if {
	trim_space(spec) == ""
} else := sprintf("config User %q names no user, only a group: the container runs as root", [spec]) if {
	image_user_name(spec) == ""
} else := sprintf("config User is %q: the container runs as root", [spec]) if {
	explicit_root(image_user_name(spec))
} else := sprintf("config User %q is UID 0 in /etc/passwd: the container runs as root", [spec])

# The keys are the ones the Dockerfile branches use for the same cases.
image_root_key(spec) := "no-user" if trim_space(spec) == ""

else := sprintf("user-empty:%s", [spec]) if image_user_name(spec) == ""

else := sprintf("user:%s", [spec])

explicit_root(u) if lower(u) in root_names

explicit_root(u) if regex.match(`^0+$`, u)

# The USER entry of the history that set the user (an image without one
# has no history to point at).
image_user_history := h if h := img.last_history("USER", "")

else := -1

# Like drops_privileges for Dockerfiles: the container starts a supervisor,
# or a wrapper script that drops privileges. The facts say whether argv[0]
# is a script that runs a privilege-drop tool the image has
# (exec.drops_privileges); a script started after an init or a shell
# (`tini -- docker-entrypoint.sh`) was not read, and is judged by its name
# and the drop tools the image ships (BusyBox applets do not count: every
# BusyBox image links setpriv or chpst).
image_drops_privileges if input.exec.drops_privileges == true

image_drops_privileges if img.exec_supervisor

image_drops_privileges if {
	not input.exec.kind == "script"
	some p in img.exec_programs
	lib.is_script(p)
	count(img.present_standalone(image_drop_tools)) > 0
}

image_drop_tools := drop_tools | {"runuser"}
