package hardline.lib.hygiene_test

import data.hardline.lib.hygiene as h

test_grants_group_or_other_write if {
	every m in ["666", "0664", "775", "0602", "g=u", "g+w", "go+rw", "a+w", "ug+rwx", "u+r,g+w", "o=rwx", "g=u-x", "ugo=rw"] {
		h.grants_group_or_other_write(m)
	}
	every m in ["644", "0755", "4755", "600", "u+w", "+w", "g-w", "go-w", "g+r", "u=rwx,g=rx,o=", "g=o", "x+w", "1"] {
		not h.grants_group_or_other_write(m)
	}
}

test_removes_paths_and_globs if {
	run := {"commands": [{"name": "rm", "args": ["-rf", "/var/lib/apt/lists/*", "~/.cache/pip"]}]}
	h.removes(run, "/var/lib/apt/lists")
	h.removes(run, "/root/.cache/pip")
	not h.removes(run, "/var/cache/apk")
	h.removes({"commands": [{"name": "rm", "args": ["-rf", "/var/lib/apt"]}]}, "/var/lib/apt/lists")
	h.removes({"commands": [{"name": "rm", "args": ["-rf", "/var/lib/{apt,dpkg}/lists/*"]}]}, "/var/lib/apt/lists")
	h.removes({"commands": [{"name": "find", "args": ["/var/cache/apk", "-type", "f", "-delete"]}]}, "/var/cache/apk")
	not h.removes({"commands": [{"name": "find", "args": ["/var/cache/apk", "-type", "f"]}]}, "/var/cache/apk")
	not h.removes({"commands": [{"name": "rm", "args": ["-rf", "/var/lib/apt/lists-old"]}]}, "/var/lib/apt/lists")
}

test_removes_home if {
	h.removes_home({"commands": [{"name": "rm", "args": ["-rf", "/home/node/.npm"]}]}, ".npm/_cacache")
	h.removes_home({"commands": [{"name": "rm", "args": ["-rf", "$HOME/.npm"]}]}, ".npm/_cacache")
	not h.removes_home({"commands": [{"name": "rm", "args": ["-rf", "/home/node/.npmrc"]}]}, ".npm/_cacache")
}

test_mounted if {
	run := {"mounts": [{"type": "cache", "target": "/root/.cache"}, {"type": "secret", "target": "/var/cache/apk"}]}
	h.mounted(run, "/root/.cache/pip")
	not h.mounted(run, "/var/cache/apk")
	h.mounted_home({"mounts": [{"type": "cache", "target": "/home/app/.npm"}]}, ".npm/_cacache")
}

test_targets_cover if {
	h.targets_cover(["/etc/passwd"], "/etc/passwd", false)
	h.targets_cover(["/etc/pass*"], "/etc/passwd", false)
	not h.targets_cover(["/etc"], "/etc/passwd", false)
	h.targets_cover(["/etc"], "/etc/passwd", true)
	h.targets_cover(["/"], "/etc/passwd", true)
	not h.targets_cover(["/etc/ssl"], "/etc/passwd", true)
}

test_non_root_owner if {
	h.non_root_owner("app:app")
	h.non_root_owner("1001")
	h.non_root_owner("app.root")
	not h.non_root_owner("root:app")
	not h.non_root_owner("0:0")
	not h.non_root_owner(":app")
	not h.non_root_owner("${APP_USER}")
}

test_trusted_prefixes if {
	h.trusted_prefix("docker.io/library") == "docker.io/library"
	h.trusted_prefix("index.docker.io/library/") == "docker.io/library"
	h.trusted_prefix("bitnami") == "docker.io/bitnami"
	h.trusted_prefix("GHCR.io/Acme") == "ghcr.io/acme"
	h.trusted_prefix("localhost:5000") == "localhost:5000"
}

test_trusted_on_path_boundaries if {
	h.trusted({"registry": "ghcr.io", "repository": "acme/app"}) with data.hardline.config.trusted_registries as ["ghcr.io/acme"]
	not h.trusted({"registry": "ghcr.io", "repository": "acme-evil/app"}) with data.hardline.config.trusted_registries as ["ghcr.io/acme"]
	h.trusted({"registry": "docker.io", "repository": "library/python"}) with data.hardline.config.trusted_registries as ["registry-1.docker.io/library"]
	not h.trusted({"registry": "docker.io", "repository": "library/python"}) with data.hardline.config.trusted_registries as []
}

test_trusted_registries_default_empty if {
	h.trusted_registries == []
}
