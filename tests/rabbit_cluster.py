"""A three-node RabbitMQ cluster on this machine, started by the tests themselves.

Each node has its own name (`<layout>-a@localhost`), AMQP and distribution ports, data and log
directories under the layout's run dir, and the machine's Erlang cookie (the nodes run as the
`rabbitmq` user, as the machine's own node does, whose `rabbitmqctl` reaches them). The machine's
own RabbitMQ (rabbit@localhost, 5672) is left alone.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import subprocess
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from tests.platform import eventually

START_TIMEOUT = 90


# rabbitmqctl's exit status when it could not reach the node, also when every port of the
# machine's small range for CLI tools was taken by other rabbitmqctl runs at that moment.
UNAVAILABLE = 69


def rabbitmqctl(node: str, *args: str, timeout: float = 120, check: bool = True) -> str:
    def run() -> subprocess.CompletedProcess:
        return subprocess.run(
            ["rabbitmqctl", "-n", node, *args],
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )

    done = run()
    if check and done.returncode == UNAVAILABLE:
        with contextlib.suppress(AssertionError):
            done = eventually(run, lambda d: d.returncode != UNAVAILABLE, deadline=20)
    if check and done.returncode != 0:
        raise RuntimeError(f"rabbitmqctl -n {node} {' '.join(args)}: {done.stdout}{done.stderr}")
    return done.stdout


@dataclass(frozen=True)
class Node:
    name: str  # the Erlang node name, e.g. wegwijs_test-a@localhost
    amqp_port: int
    dist_port: int
    base: Path

    def env(self) -> dict[str, str]:
        return {
            "RABBITMQ_NODENAME": self.name,
            "RABBITMQ_NODE_PORT": str(self.amqp_port),
            "RABBITMQ_DIST_PORT": str(self.dist_port),
            "RABBITMQ_MNESIA_BASE": str(self.base / "mnesia"),
            "RABBITMQ_LOG_BASE": str(self.base / "log"),
            "RABBITMQ_CONFIG_FILE": str(self.base / "rabbitmq.conf"),
            "RABBITMQ_ENABLED_PLUGINS_FILE": str(self.base / "enabled_plugins"),
            "RABBITMQ_PID_FILE": str(self.base / "rabbitmq.pid"),
        }

    def start(self) -> None:
        """Start a new node in the background and wait until RabbitMQ runs on it."""
        shutil.rmtree(self.base, ignore_errors=True)
        (self.base / "log").mkdir(parents=True)
        (self.base / "rabbitmq.conf").write_text(
            f"listeners.tcp.local = 127.0.0.1:{self.amqp_port}\n"
            # nothing but the tests connects; a node going must not pause the others' queues
            "cluster_partition_handling = ignore\n"
        )
        (self.base / "enabled_plugins").write_text("[].\n")
        subprocess.run(["chown", "-R", "rabbitmq:rabbitmq", str(self.base)], check=True)
        self.restart()

    def restart(self) -> None:
        """Start the node again on its own data (it rejoins its cluster) and wait until it runs."""
        subprocess.run(
            ["rabbitmq-server", "-detached"],
            env={"PATH": "/usr/sbin:/usr/bin:/sbin:/bin", **self.env()},
            check=True,
            timeout=60,
            capture_output=True,
        )
        rabbitmqctl(
            self.name,
            "wait",
            str(self.base / "rabbitmq.pid"),
            "--timeout",
            str(START_TIMEOUT),
            timeout=START_TIMEOUT + 30,
        )

    def crash(self) -> None:
        """Kill the node's Erlang VM at once, as a machine losing power would."""
        pid = self._pid()
        assert pid is not None, f"{self.name} is not running"
        os.kill(pid, signal.SIGKILL)
        eventually(lambda: self._pid(), lambda p: p is None, deadline=30, what="node killed")

    def stop(self) -> None:
        """Stop the whole node (the Erlang VM), as a machine going down would; return once its
        process is gone (killed, if it does not halt within a minute)."""
        pid = self._pid()
        if pid is None:
            return
        rabbitmqctl(self.name, "stop", timeout=60, check=False)
        with contextlib.suppress(AssertionError):
            eventually(lambda: self._pid(), lambda p: p is None, deadline=60, what="node halted")
            return
        with contextlib.suppress(OSError):
            os.kill(pid, signal.SIGKILL)

    def _pid(self) -> int | None:
        """The node's running Erlang VM (from its pid file), if any."""
        with contextlib.suppress(OSError, ValueError):
            pid = int((self.base / "rabbitmq.pid").read_text())
            environ = Path(f"/proc/{pid}/environ").read_bytes().split(b"\0")
            if f"RABBITMQ_NODENAME={self.name}".encode() in environ:
                return pid
        return None

    def running(self) -> bool:
        done = subprocess.run(
            ["rabbitmqctl", "-n", self.name, "-q", "ping"],
            capture_output=True,
            timeout=60,
            check=False,
        )
        return done.returncode == 0


class RabbitCluster:
    """Three RabbitMQ nodes joined in one cluster, named after `name`, on ports from `port_base`
    (AMQP on port_base, +1, +2; distribution on port_base + 5, +6, +7)."""

    def __init__(self, name: str, port_base: int, run_dir: Path, size: int = 3):
        self.nodes = [
            Node(
                f"{name}-{letter}@localhost",
                amqp_port=port_base + i,
                dist_port=port_base + 5 + i,
                base=run_dir / f"rabbit-{letter}",
            )
            for i, letter in enumerate("abcdefg"[:size])
        ]

    def start(self) -> None:
        self.stop()  # a cluster an interrupted run left behind
        with ThreadPoolExecutor(len(self.nodes)) as pool:
            list(pool.map(Node.start, self.nodes))
        first = self.nodes[0].name
        for node in self.nodes[1:]:
            rabbitmqctl(node.name, "stop_app")
            rabbitmqctl(node.name, "join_cluster", first)
            rabbitmqctl(node.name, "start_app")
        running = rabbitmqctl(first, "cluster_status", "--formatter", "json")
        missing = [n.name for n in self.nodes if n.name not in running]
        assert not missing, f"not in the cluster: {missing}: {running}"

    def stop(self) -> None:
        """Stop every node; their logs stay (a new start removes them)."""
        with ThreadPoolExecutor(len(self.nodes)) as pool:
            list(pool.map(Node.stop, self.nodes))

    def start_stopped(self) -> None:
        """Start again every node that was stopped or crashed; wait until all run in the
        cluster."""
        for node in self.nodes:
            if node._pid() is None:
                node.restart()
        first = self.nodes[0].name
        for node in self.nodes:
            rabbitmqctl(node.name, "await_online_nodes", str(len(self.nodes)))
        rabbitmqctl(first, "await_startup")

    def node(self, name: str) -> Node:
        return next(n for n in self.nodes if n.name == name)

    def uri(self, vhost: str) -> str:
        """Every node's AMQP URI on `vhost`, as failover alternates (WEGWIJS_AMQP_URI)."""
        return ";".join(f"amqp://127.0.0.1:{n.amqp_port}/{vhost}" for n in self.nodes)

    def ctl(self, *args: str, node: Node | None = None) -> str:
        """rabbitmqctl against a running node of the cluster (the first, unless given)."""
        node = node or next(n for n in self.nodes if n.running())
        return rabbitmqctl(node.name, *args)

    def short_of_members(self, vhost: str) -> list[str]:
        """The quorum queues of `vhost` with a member not online (a node still starting, or
        catching up): losing another node could cost them their majority."""
        out = self.ctl(
            "list_queues",
            "-p",
            vhost,
            "name",
            "type",
            "members",
            "online",
            "--quiet",
            "--formatter",
            "json",
        )
        return [
            q["name"]
            for q in json.loads(out)
            if q["type"] == "quorum" and len(q["online"]) < len(self.nodes)
        ]

    def most_connected(self, vhost: str) -> Node:
        """The node most clients of `vhost` are connected to (a connection's name ends with
        the node's own address)."""
        names = self.ctl("list_connections", "vhost", "name", "--quiet", "--no-table-headers")
        ports = Counter(
            int(line.rsplit(":", 1)[1])
            for line in names.splitlines()
            if line.split("\t")[0] == vhost
        )
        port = ports.most_common(1)[0][0]
        return next(n for n in self.nodes if n.amqp_port == port)

    def state(self, vhost: str) -> str:
        """The queues of `vhost` (type, process or leader, consumers, messages) and the
        connections, as text: what a test that found the platform not answering prints."""
        queues = self.ctl(
            "list_queues",
            "-p",
            vhost,
            "name",
            "type",
            "pid",
            "leader",
            "consumers",
            "messages_ready",
            "messages_unacknowledged",
            "--quiet",
            "--no-table-headers",
        )
        connections = self.ctl(
            "list_connections", "vhost", "user", "name", "--quiet", "--no-table-headers"
        )
        return f"queues:\n{queues}\nconnections:\n{connections}"

    def leaders(self, vhost: str, node: Node | None = None) -> dict[str, str]:
        """Each quorum queue of `vhost` and the node that leads it."""
        out = self.ctl(
            "list_queues",
            "-p",
            vhost,
            "name",
            "leader",
            "type",
            "--quiet",
            "--no-table-headers",
            node=node,
        )
        found = {}
        for line in out.splitlines():
            name, leader, kind = line.split("\t")
            if kind == "quorum":
                found[name] = leader
        return found
