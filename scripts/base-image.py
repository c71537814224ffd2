#!/usr/bin/env python3
"""Builds the base image Natrix's service images start from, with no registry: a Java 25 runtime made by jlink from
the local JDK, the shared libraries it links (from this machine's Debian), a user to run as and a /tmp; written as a
`docker save` tarball, which Jib takes as its base (`tar://...`) and podman loads.

usage: base-image.py JAVA_HOME OUTPUT.tar [TAG]
"""
import hashlib
import io
import json
import os
import subprocess
import sys
import tarfile
import tempfile

# what the services use: the JDK's SE modules (HTTP, TLS, logging, management...), the unsupported internals
# Netty and others reach for, elliptic-curve TLS, zip file systems and flight recording
MODULES = "java.se,jdk.unsupported,jdk.crypto.ec,jdk.crypto.cryptoki,jdk.zipfs,jdk.jfr,jdk.management,jdk.naming.dns,jdk.net"


def shared_libraries(runtime):
    """Every shared library the runtime's binaries and libraries load, as this machine resolves them."""
    found = set()
    for folder, _, files in os.walk(runtime):
        for name in files:
            path = os.path.join(folder, name)
            if not (name.endswith(".so") or folder.endswith("/bin")):
                continue
            out = subprocess.run(["ldd", path], capture_output=True, text=True).stdout
            for line in out.splitlines():
                parts = line.split()
                if "=>" in parts and len(parts) > parts.index("=>") + 1 and parts[parts.index("=>") + 1].startswith("/"):
                    found.add(parts[parts.index("=>") + 1])
                elif parts and parts[0].startswith("/"):
                    found.add(parts[0])  # the dynamic loader
    inside = os.path.realpath(runtime) + "/"
    return sorted(path for path in found if not os.path.realpath(path).startswith(inside))  # the runtime's own are in it


def add_file(layer, source, target, mode=None):
    info = layer.gettarinfo(source, arcname=target)
    info.uid = info.gid = 0
    info.uname = info.gname = "root"
    info.mtime = 0
    if mode is not None:
        info.mode = mode
    if info.isfile():
        with open(source, "rb") as data:
            layer.addfile(info, data)
    else:
        layer.addfile(info)


def add_text(layer, target, text, mode=0o644):
    data = text.encode()
    info = tarfile.TarInfo(target)
    info.size, info.mode, info.mtime = len(data), mode, 0
    layer.addfile(info, io.BytesIO(data))


def add_dir(layer, target, mode=0o755):
    info = tarfile.TarInfo(target)
    info.type, info.mode, info.mtime = tarfile.DIRTYPE, mode, 0
    layer.addfile(info)


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    java_home, output = sys.argv[1], sys.argv[2]
    tag = sys.argv[3] if len(sys.argv) > 3 else "localhost/natrix/jre:25"
    with tempfile.TemporaryDirectory() as work:
        runtime = os.path.join(work, "runtime")
        subprocess.run([os.path.join(java_home, "bin", "jlink"), "--add-modules", MODULES, "--strip-debug", "--no-man-pages",
                        "--no-header-files", "--output", runtime], check=True)
        layer_path = os.path.join(work, "layer.tar")
        with tarfile.open(layer_path, "w", format=tarfile.PAX_FORMAT) as layer:
            written = set()

            def ensure_dirs(target):
                parts = target.split("/")[:-1]
                for i in range(1, len(parts) + 1):
                    folder = "/".join(parts[:i])
                    if folder not in written:
                        add_dir(layer, folder, 0o1777 if folder == "tmp" else 0o755)
                        written.add(folder)

            for folder in ["etc/", "tmp/", "home/natrix/", "proc/", "dev/", "sys/"]:  # the last three: a runtime's mount points
                ensure_dirs(folder)
            add_text(layer, "etc/passwd", "root:x:0:0:root:/root:/sbin/nologin\nnatrix:x:1000:1000:natrix:/home/natrix:/sbin/nologin\n")
            add_text(layer, "etc/group", "root:x:0:\nnatrix:x:1000:\n")
            for folder, dirs, files in os.walk(runtime):
                relative = os.path.relpath(folder, runtime)
                target = "opt/java" if relative == "." else "opt/java/" + relative
                ensure_dirs(target + "/")
                for name in sorted(files):
                    add_file(layer, os.path.join(folder, name), target + "/" + name)
            for library in shared_libraries(runtime):
                real = os.path.realpath(library)
                for path in (real, library):
                    target = path.lstrip("/")
                    if target in written:
                        continue
                    ensure_dirs(target)
                    if path == real:
                        add_file(layer, real, target)
                    else:
                        info = tarfile.TarInfo(target)
                        info.type, info.linkname, info.mtime = tarfile.SYMTYPE, real, 0
                        layer.addfile(info)
                    written.add(target)
        with open(layer_path, "rb") as data:
            diff_id = "sha256:" + hashlib.sha256(data.read()).hexdigest()
        config = {
            "architecture": "amd64", "os": "linux",
            "config": {"Env": ["PATH=/opt/java/bin:/usr/bin:/bin", "JAVA_HOME=/opt/java"], "User": "1000:1000",
                       "WorkingDir": "/home/natrix"},
            "rootfs": {"type": "layers", "diff_ids": [diff_id]},
            "history": [{"created_by": "natrix scripts/base-image.py: jlink " + MODULES}],
        }
        config_bytes = json.dumps(config, sort_keys=True).encode()
        config_name = hashlib.sha256(config_bytes).hexdigest() + ".json"
        manifest = [{"Config": config_name, "RepoTags": [tag], "Layers": ["layer.tar"]}]
        with tarfile.open(output, "w") as image:
            add_text(image, config_name, config_bytes.decode())
            image.add(layer_path, arcname="layer.tar")
            add_text(image, "manifest.json", json.dumps(manifest))
    print(f"{output}: {tag}, {os.path.getsize(output) // (1 << 20)} MiB ({diff_id[:19]})")


if __name__ == "__main__":
    main()
