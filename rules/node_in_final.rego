# METADATA
# title: Node.js toolchain shipped in a non-Node image
# description: |
#   The final image does not run a Node.js application, yet node, npm or yarn
#   are installed or run in it, typically to build front-end assets in place.
#   The runtime, the package manager and the node_modules tree they leave
#   behind add hundreds of megabytes and a steady stream of CVEs to an image
#   that never executes JavaScript at runtime, and npm gives an attacker an
#   easy way to fetch and run code.
#
#   Dockerfiles that build a development environment are exempt, because there
#   the toolchain is the point: files under a `.devcontainer/` directory (VS
#   Code dev containers) and files named `Dockerfile.dev`, `Dockerfile.devel`
#   (also with `-` instead of `.`), `dev.Dockerfile` or `*.dev.Dockerfile`.
#
#   In an image, two things are reported: the package managers npm, npx,
#   yarn, pnpm and corepack, in any image (a Node.js application does not
#   need them to run: install its dependencies in a build stage and start it
#   with node), and node itself when the container does not start a Node.js
#   application.
# custom:
#   id: HL1003
#   name: node-in-final
#   severity: medium
#   tags: [node, build-deps, packages]
#   inputs: [dockerfile, image]
#   controls:
#     nist-800-190: ["4.1.2"]
#     cis-docker-1.6.0: ["4.3"]
#   remediation: |
#     Build the assets in a Node builder stage and copy only the output:
#
#         FROM node:20-alpine AS assets
#         WORKDIR /src
#         COPY package.json package-lock.json ./
#         RUN npm ci
#         COPY . .
#         RUN npm run build
#
#         FROM python:3.12-slim
#         COPY --from=assets /src/dist /app/static
#   examples:
#     bad: |
#       FROM python:3.12-slim
#       RUN apt-get update && apt-get install -y nodejs npm
#       COPY . /app
#       RUN cd /app && npm ci && npm run build
#       CMD ["gunicorn", "app:app"]
#     good: |
#       FROM node:20-alpine AS assets
#       COPY . /src
#       RUN cd /src && npm ci && npm run build
#       FROM python:3.12-slim
#       COPY --from=assets /src/dist /app/static
#       CMD ["gunicorn", "app:app"]
package hardline.rules.node_in_final

import data.hardline.lib.dockerfile as lib
import data.hardline.lib.image as img

deny contains r if {
	not lib.dev_environment
	not node_application
	programs := lib.final_image_programs
	count({p | some p in programs; other_runtime(p)}) > 0
	some x in lib.final_runs | lib.final_copies # evidence() needs run or copy facts
	ev := evidence(x.instr)
	count(ev) > 0
	r := {
		"msg": sprintf("%s: %s, but the final image runs %s, not a Node.js application; build with Node in a separate stage and copy the output", [lib.stage_label(x.stage), lib.joined(ev), lib.joined(programs)]),
		"location": x.instr.location,
		"stage": x.stage,
		"key": lib.joined(ev),
	}
}

node_programs := {
	"node", "nodejs", "npm", "npx", "yarn", "pnpm", "nodemon", "pm2",
	"pm2-runtime", "next", "ts-node", "tsx", "nuxt", "nuxi", "forever",
	"react-scripts", "vite", "ng", "strapi", "nest", "serve", "http-server",
	"corepack", "remix-serve",
}

node_application if lib.final_stage.image.runtime == "node"

node_application if {
	some p in lib.final_image_programs
	node_program(p)
}

node_program(p) if p in node_programs

node_program(p) if regex.match(`\.(js|mjs|cjs|ts)$`, p)

# Only images that evidently run another runtime are reported: many Node
# applications start through a binary whose name says nothing (hubot,
# json-server, ./bin/www), and a silent rule beats a noisy one.
other_runtime(p) if regex.match(`^(python[0-9.]*|pypy[0-9.]*|gunicorn|uvicorn|uwsgi|daphne|hypercorn|celery|flask|django-admin|streamlit|jupyter(-lab|-notebook|hub)?|[a-z0-9_-]+\.py|ruby|bundle|rails|puma|unicorn|sidekiq|rackup|thin|php|php-fpm[0-9.]*|php[0-9.]*-fpm|apache2-foreground|apache2ctl|httpd|httpd-foreground|nginx|openresty|caddy|java|[a-z0-9_.-]+\.jar|dotnet|catalina\.sh|perl|plackup|starman|hypnotoad|rscript|r|shiny-server|mix|elixir|iex|erl)$`, lower(p))

node_packages := {"nodejs", "npm", "yarn", "yarnpkg", "pnpm", "nodejs-current", "nodejs-lts", "nodejs-npm", "nodejs18", "nodejs20", "nodejs22"}

node_commands := {"npm", "npx", "yarn", "yarnpkg", "pnpm", "corepack", "nvm", "node", "nodejs", "n"}

# Whether any RUN of the final chain runs a Node command at all, so that
# evidence() only walks the commands of each RUN when one does.
node_command_run if {
	some n in node_commands
	n in lib.final_command_names
}

# evidence(instr): what puts Node tooling into the image.
evidence(instr) := ev if {
	instr.cmd == "run"
	run := instr.run
	ev := ({sprintf("installs %s", [p]) |
		some p in lib.installed_packages(run)
		lower(p) in node_packages
	} | {sprintf("runs %s", [c.name]) |
		node_command_run
		some c in lib.commands(run)
		c.name in node_commands
	}) | {sprintf("downloads Node.js from %s", [host]) |
		some u in lib.list(run.urls)
		host := node_download_host(u)
	}
}

evidence(instr) := ev if {
	instr.cmd in {"copy", "add"}
	cp := instr.copy
	ev := ({sprintf("copies %s from %s", [lib.basename(src), lib.str(cp.from)]) |
		lib.str(cp.from) != ""
		some src in lib.list(cp.sources)
		node_binary_path(src)
	} | {sprintf("copies files from the %s image", [cp.from]) |
		cp.from_stage == -1
		regex.match(`^(docker\.io/)?(library/)?node(:|@|$)`, lib.str(cp.from))
	}) | {sprintf("downloads Node.js from %s", [host]) |
		some u in lib.list(cp.sources)
		host := node_download_host(u)
	}
}

node_binary_path(src) if regex.match(`(^|/)bin/(node|nodejs|npm|npx|yarn|pnpm)$`, src)

node_binary_path(src) if contains(src, "/lib/node_modules/npm")

node_download_host(u) := h if {
	h := regex.find_n(`(?i)(deb|rpm)\.nodesource\.com`, u, 1)[0]
} else := "nodejs.org" if {
	regex.match(`(?i)://(www\.)?nodejs\.org/(dist|download)/`, u)
}

# --- images -------------------------------------------------------------------

# Node package managers ship in the image. Even a Node.js application only
# needs node at run time.
deny contains r if {
	img.is_image
	not img.dev_environment
	found := img.present(package_managers)
	count(found) > 0
	first := img.earliest_program_path(found)
	r := img.finding(
		sprintf("Node.js package managers ship in the image: %s; an application does not need them to run, and they give an attacker a way to fetch and run code%s", [img.paths_text(found), started_through(found)]),
		"npm",
		first.layer, -1, first.path,
	)
}

package_managers := {"npm", "npx", "yarn", "pnpm", "corepack"}

started_through(found) := sprintf("; the container starts through %s: install the dependencies in a build stage and start the application with node", [lib.joined(used)]) if {
	used := {p | some p in found; p in img.exec_started}
	count(used) > 0
} else := ""

# node ships in an image whose container does not start a Node.js
# application.
deny contains r if {
	img.is_image
	not img.dev_environment
	count(img.exec_argv) > 0
	found := img.present({"node", "nodejs"})
	count(found) > 0
	not image_node_exec
	not image_opaque_exec
	first := img.earliest_program_path(found)
	r := img.finding(
		sprintf("node ships in the image at %s but the container starts %s, not a Node.js application; build with Node in a separate stage and copy the output", [img.paths_only(found), lib.joined(img.exec_programs)]),
		"node",
		first.layer, -1, first.path,
	)
}

# image_node_exec: a word of the exec (argv[0] as written or resolved, a
# program after an init or inside `sh -c`, a script argument) is a Node
# program or a .js file.
image_node_exec if {
	some w in (img.exec_words | img.exec_started)
	node_program(w)
}

# What a wrapper script or a supervisor starts is not in the image
# configuration; it is only judged when the exec names another runtime
# (`docker-entrypoint.sh gunicorn app:app`).
image_opaque_exec if {
	some p in img.exec_programs
	lib.opaque_program(p)
	not image_other_runtime
}

image_opaque_exec if {
	img.exec_script
	not image_other_runtime
}

image_other_runtime if {
	some w in img.exec_words
	other_runtime(w)
}
