"""Volumes, network policy and sandbox configuration (pure: no engine)."""

import ctypes
import json
from collections import namedtuple

from . import _lib
from ._handle import Handle
from ._lib import C, dec, enc

__all__ = ["Mount", "Port", "Limits", "Volumes", "NetPolicy", "Config"]

Mount = namedtuple("Mount", "type source target mode")
Mount.__doc__ = """One mount: type "bind" or "volume", source (host path or volume
name), target (absolute container path), mode "rw" or "ro"."""

Port = namedtuple("Port", "container_port protocol host_ip host_port")
Port.__doc__ = """A published port: container port, "tcp"/"udp", host IP, host port (0: any)."""

Limits = namedtuple("Limits", "memory nano_cpus pids")
Limits.__doc__ = """Resource limits: memory bytes, nano CPUs, pids; 0 means unlimited."""

_TYPES = {"bind": 0, "volume": 1}
_MODES = {"rw": 0, "ro": 1}


def _mount_type(value):
    if isinstance(value, int):
        return value
    try:
        return _TYPES[value]
    except KeyError:
        raise ValueError('mount type must be "bind" or "volume", not %r' % (value,)) from None


def _mount_mode(value):
    if isinstance(value, int):
        return value
    try:
        return _MODES[value]
    except KeyError:
        raise ValueError('mount mode must be "rw" or "ro", not %r' % (value,)) from None


# ---------------------------------------------------------------- volumes

class Volumes(Handle):
    """An ordered, validated list of mounts (ohs_volumes), list-like.

    ``Volumes()`` is empty; ``Volumes.parse("/src:/workspace:rw,...")``
    parses a SANDBOX_VOLUMES value.  ``config.volumes`` is a borrowed view
    of the config's own list: changing it changes the config.
    """

    _free_fn = C.ohs_volumes_free

    def __init__(self, mounts=()):
        out = _lib.VOLUMES()
        C.ohs_volumes_new(ctypes.byref(out))
        self._init_handle(out)
        for m in mounts:
            self.append(m)

    @classmethod
    def parse(cls, spec, home=None, cwd=None):
        """Parse a SANDBOX_VOLUMES value; `home` expands "~", `cwd` resolves relative paths."""
        out = _lib.VOLUMES()
        C.ohs_volumes_parse(ctypes.byref(out), enc(spec, "spec"), enc(home, "home"), enc(cwd, "cwd"))
        return cls._wrap(out)

    def add(self, source, target, mode="rw", type="bind"):
        """Append one mount (same rules as parse)."""
        C.ohs_volumes_add(self._handle(), _mount_type(type), enc(source, "source"),
                          enc(target, "target"), _mount_mode(mode))

    def append(self, mount):
        """Append a Mount (or a (type, source, target, mode) tuple)."""
        mount = Mount(*mount)
        self.add(mount.source, mount.target, mount.mode, mount.type)

    def extend(self, mounts):
        for m in mounts:
            self.append(m)

    def copy(self):
        """An independent (owned) deep copy."""
        out = _lib.VOLUMES()
        C.ohs_volumes_dup(ctypes.byref(out), self._handle())
        return Volumes._wrap(out)

    def __len__(self):
        return C.ohs_volumes_count(self._handle())

    def _get(self, i):
        h = self._handle()
        t = C.ohs_volumes_type(h, i)
        m = C.ohs_volumes_mode(h, i)
        return Mount("volume" if t == 1 else "bind", dec(C.ohs_volumes_source(h, i)),
                     dec(C.ohs_volumes_target(h, i)), "ro" if m == 1 else "rw")

    def __getitem__(self, index):
        n = len(self)
        if isinstance(index, slice):
            return [self._get(i) for i in range(*index.indices(n))]
        if index < 0:
            index += n
        if not 0 <= index < n:
            raise IndexError("volume index out of range")
        return self._get(index)

    def __iter__(self):
        return iter(self[:])

    def __eq__(self, other):
        if isinstance(other, Volumes):
            return self[:] == other[:]
        if isinstance(other, list):
            return self[:] == other
        return NotImplemented

    @property
    def workspace(self):
        """Host source mounted on /workspace, or None."""
        return dec(C.ohs_volumes_workspace(self._handle()))

    def __repr__(self):
        if self.closed:
            return "<Volumes closed>"
        return "Volumes(%r)" % (self[:],)


# ---------------------------------------------------------------- network policy

class NetPolicy(Handle):
    """Binding address, network mode, additional networks and published ports."""

    _free_fn = C.ohs_netpolicy_free

    def __init__(self):
        out = _lib.NETPOLICY()
        C.ohs_netpolicy_new(ctypes.byref(out))
        self._init_handle(out)

    def copy(self):
        out = _lib.NETPOLICY()
        C.ohs_netpolicy_dup(ctypes.byref(out), self._handle())
        return NetPolicy._wrap(out)

    @property
    def binding_address(self):
        return dec(C.ohs_netpolicy_binding_address(self._handle()))

    @binding_address.setter
    def binding_address(self, addr):
        C.ohs_netpolicy_set_binding_address(self._handle(), enc(addr, "binding_address"))

    @property
    def mode(self):
        return dec(C.ohs_netpolicy_mode(self._handle()))

    @mode.setter
    def mode(self, mode):
        C.ohs_netpolicy_set_mode(self._handle(), enc(mode, "mode"))

    @property
    def internal(self):
        return C.ohs_netpolicy_internal(self._handle()) > 0

    @internal.setter
    def internal(self, value):
        C.ohs_netpolicy_set_internal(self._handle(), 1 if value else 0)

    @property
    def networks(self):
        """Additional networks (a list copy; use add_network()/parse_networks() to change)."""
        h = self._handle()
        return [dec(C.ohs_netpolicy_network(h, i)) for i in range(C.ohs_netpolicy_network_count(h))]

    def add_network(self, name):
        C.ohs_netpolicy_add_network(self._handle(), enc(name, "name"))

    def parse_networks(self, value):
        """Add a SANDBOX_ADDITIONAL_NETWORKS value (JSON or Python-literal list)."""
        C.ohs_netpolicy_parse_networks(self._handle(), enc(value, "value"))

    @property
    def ports(self):
        """Published ports as a list of Port."""
        h = self._handle()
        return [Port(C.ohs_netpolicy_port_container(h, i), dec(C.ohs_netpolicy_port_protocol(h, i)),
                     dec(C.ohs_netpolicy_port_host_ip(h, i)), C.ohs_netpolicy_port_host(h, i))
                for i in range(C.ohs_netpolicy_port_count(h))]

    def add_port(self, container_port, protocol="tcp", host_ip=None, host_port=0):
        C.ohs_netpolicy_add_port(self._handle(), int(container_port), enc(protocol, "protocol"),
                                 enc(host_ip, "host_ip"), int(host_port))

    def parse_port(self, spec):
        """Add a "-p" spec: [IP:]HOSTPORT:CONTAINERPORT[/PROTO] or CONTAINERPORT[/PROTO]."""
        C.ohs_netpolicy_parse_port(self._handle(), enc(spec, "spec"))

    def __repr__(self):
        if self.closed:
            return "<NetPolicy closed>"
        return "<NetPolicy mode=%r binding_address=%r internal=%r networks=%r ports=%r>" % (
            self.mode, self.binding_address, self.internal, self.networks, self.ports)


# ---------------------------------------------------------------- config

class Config(Handle):
    """A sandbox configuration (ohs_config).

    ``Config()`` has the defaults; ``Config.from_env(env)`` reads the
    OpenHands variables (SANDBOX_VOLUMES, SANDBOX_USER_ID, ...) from a dict,
    or from os.environ when env is None.
    """

    _free_fn = C.ohs_config_free

    def __init__(self):
        out = _lib.CONFIG()
        C.ohs_config_new(ctypes.byref(out))
        self._init_handle(out)

    @classmethod
    def from_env(cls, env=None, floor=None):
        """Build a config from a mapping of environment variables (None:
        os.environ).  `floor` (a Floor) is added on top of the system floor."""
        arr = _lib.envp(env)
        out = _lib.CONFIG()
        if floor is None:
            C.ohs_env_load(ctypes.byref(out), arr)
        else:
            C.ohs_env_load_floor(ctypes.byref(out), arr, floor._handle())
        return cls._wrap(out)

    def copy(self):
        out = _lib.CONFIG()
        C.ohs_config_dup(ctypes.byref(out), self._handle())
        return Config._wrap(out)

    # -- scalars
    @property
    def image(self):
        return dec(C.ohs_config_image(self._handle()))

    @image.setter
    def image(self, ref):
        C.ohs_config_set_image(self._handle(), enc(ref, "image"))

    @property
    def user(self):
        return dec(C.ohs_config_user(self._handle()))

    @user.setter
    def user(self, user):
        C.ohs_config_set_user(self._handle(), enc(user, "user"))

    @property
    def workdir(self):
        return dec(C.ohs_config_workdir(self._handle()))

    @workdir.setter
    def workdir(self, path):
        C.ohs_config_set_workdir(self._handle(), enc(path, "workdir"))

    @property
    def command(self):
        """The main command (argv list); [] means the image's default."""
        h = self._handle()
        return [dec(C.ohs_config_command(h, i)) for i in range(C.ohs_config_command_count(h))]

    @command.setter
    def command(self, argv):
        if isinstance(argv, (str, bytes)):
            raise TypeError("command must be a list of arguments, not a string")
        C.ohs_config_set_command(self._handle(), _lib.strv(argv, "command") if argv else None)

    @property
    def init(self):
        return C.ohs_config_init(self._handle()) > 0

    @property
    def override_command(self):
        """SANDBOX_OVERRIDE_COMMAND: "auto", "true" or "false"."""
        return dec(C.ohs_override_command_name(C.ohs_config_override_command(self._handle())))

    @override_command.setter
    def override_command(self, value):
        """"auto"/"true"/"false" (also "1"/"0", any case), a bool, or the C enum value."""
        if value is True or value is False:
            value = "true" if value else "false"
        if isinstance(value, int):
            mode = value
        else:
            v = ctypes.c_int()
            C.ohs_override_command_from_name(ctypes.byref(v), enc(value, "override_command"))
            mode = v.value
        C.ohs_config_set_override_command(self._handle(), int(mode))

    # -- the operator's floor and provenance
    @property
    def floor(self):
        """A copy of the config's floor (a Floor), or None when it has none."""
        from .floor import Floor
        ptr = C.ohs_config_floor(self._handle())
        return Floor._copy_of(ptr) if ptr else None

    def add_floor(self, floor):
        """Add the operator's floor `floor` (a Floor; the config keeps a copy,
        merged with the one it has: a floor is never removed or lowered)."""
        C.ohs_config_set_floor(self._handle(), floor._handle())

    @property
    def origins(self):
        """{setting: where it came from} for every setting with a recorded origin."""
        h = self._handle()
        out = {}
        for i in range(C.ohs_config_origin_count(h)):
            key = C.ohs_config_origin_setting(h, i)
            out[dec(key)] = dec(C.ohs_config_origin(h, key))
        return out

    def origin(self, setting):
        """Where `setting` (e.g. "image", "SANDBOX_VOLUMES") came from, or None."""
        return dec(C.ohs_config_origin(self._handle(), enc(setting, "setting")))

    @init.setter
    def init(self, enabled):
        C.ohs_config_set_init(self._handle(), 1 if enabled else 0)

    # -- env and labels
    @property
    def env(self):
        """Container environment as a dict (a copy).  Assigning a dict adds or
        replaces entries; entries cannot be removed."""
        h = self._handle()
        out = {}
        for i in range(C.ohs_config_env_count(h)):
            name, _, value = dec(C.ohs_config_env(h, i)).partition("=")
            out[name] = value
        return out

    @env.setter
    def env(self, mapping):
        missing = set(self.env) - set(mapping)
        if missing:
            raise ValueError("Config.env: entries cannot be removed (%s)" % ", ".join(sorted(missing)))
        for k, v in mapping.items():
            self.set_env(k, v)

    def set_env(self, name, value):
        C.ohs_config_set_env(self._handle(), enc(name, "name"), enc(value, "value"))

    @property
    def labels(self):
        """Container labels as a dict (a copy); assigning adds or replaces entries."""
        h = self._handle()
        return {dec(C.ohs_config_label_key(h, i)): dec(C.ohs_config_label_value(h, i))
                for i in range(C.ohs_config_label_count(h))}

    @labels.setter
    def labels(self, mapping):
        missing = set(self.labels) - set(mapping)
        if missing:
            raise ValueError("Config.labels: entries cannot be removed (%s)" % ", ".join(sorted(missing)))
        for k, v in mapping.items():
            self.set_label(k, v)

    def set_label(self, key, value):
        C.ohs_config_set_label(self._handle(), enc(key, "key"), enc(value, "value"))

    # -- limits
    @property
    def memory_limit(self):
        return C.ohs_config_memory_limit(self._handle())

    @memory_limit.setter
    def memory_limit(self, nbytes):
        C.ohs_config_set_memory_limit(self._handle(), int(nbytes))

    @property
    def nano_cpus(self):
        return C.ohs_config_nano_cpus(self._handle())

    @nano_cpus.setter
    def nano_cpus(self, value):
        C.ohs_config_set_nano_cpus(self._handle(), int(value))

    @property
    def pids_limit(self):
        return C.ohs_config_pids_limit(self._handle())

    @pids_limit.setter
    def pids_limit(self, value):
        C.ohs_config_set_pids_limit(self._handle(), int(value))

    @property
    def limits(self):
        return Limits(self.memory_limit, self.nano_cpus, self.pids_limit)

    @limits.setter
    def limits(self, value):
        if isinstance(value, dict):
            value = Limits(value.get("memory", 0), value.get("nano_cpus", 0), value.get("pids", 0))
        value = Limits(*value)
        self.memory_limit = value.memory
        self.nano_cpus = value.nano_cpus
        self.pids_limit = value.pids

    # -- sub-objects (borrowed: they keep this config alive)
    @property
    def volumes(self):
        """The config's mounts (borrowed Volumes: changes apply to this config)."""
        return Volumes._borrow(self, C.ohs_config_volumes)

    @volumes.setter
    def volumes(self, vols):
        if not isinstance(vols, Volumes):
            vols = Volumes(vols)
        C.ohs_config_set_volumes(self._handle(), vols._handle())

    @property
    def netpolicy(self):
        """The config's network policy (borrowed NetPolicy: changes apply to this config)."""
        return NetPolicy._borrow(self, C.ohs_config_netpolicy)

    @netpolicy.setter
    def netpolicy(self, np):
        C.ohs_config_set_netpolicy(self._handle(), np._handle())

    @property
    def policy(self):
        """The security policy sessions of this config are created under
        (borrowed Policy: changes apply to this config)."""
        from .policy import Policy
        return Policy._borrow(self, C.ohs_config_policy)

    @policy.setter
    def policy(self, pol):
        C.ohs_config_set_policy(self._handle(), pol._handle())

    def merge_host_config(self, fields):
        """Merge extra HostConfig fields (a dict or a JSON object string) into
        the create body; they go through the security policy like the rest."""
        if isinstance(fields, dict):
            fields = json.dumps(fields, separators=(",", ":"), ensure_ascii=False)
        C.ohs_config_merge_host_config(self._handle(), enc(fields, "fields"))

    @property
    def host_config_extra(self):
        """The merged extra HostConfig fields as a dict ({} when none)."""
        v = C.ohs_config_host_config_extra(self._handle())
        return json.loads(dec(v)) if v else {}

    def apply_policy(self):
        """(body_to_send, findings) under the config's policy; in enforce mode a
        refused finding raises PolicyRefused with ``findings`` set."""
        from .errors import PolicyRefused
        from .policy import Findings
        out = ctypes.c_void_p()
        fnd = _lib.FINDINGS()
        try:
            C.ohs_config_apply_policy(ctypes.byref(out), ctypes.byref(fnd), self._handle())
        except PolicyRefused as e:
            if fnd:
                e.findings = Findings._take(fnd)
            raise
        return _lib.take_string(out), Findings._take(fnd)

    # -- warnings
    @property
    def warnings(self):
        h = self._handle()
        return [dec(C.ohs_config_warning(h, i)) for i in range(C.ohs_config_warning_count(h))]

    def add_warning(self, text):
        C.ohs_config_add_warning(self._handle(), enc(text, "text"))

    # -- rendering
    def create_body(self):
        """The exact JSON body of POST /containers/create (str, compact)."""
        out = ctypes.c_void_p()
        C.ohs_config_create_body(ctypes.byref(out), self._handle())
        return _lib.take_string(out)

    def to_json(self):
        """The whole resolved configuration as a JSON string."""
        out = ctypes.c_void_p()
        C.ohs_config_to_json(ctypes.byref(out), self._handle())
        return _lib.take_string(out)

    def to_dict(self):
        """The whole resolved configuration (image, user, volumes, ..., create_body) as a dict."""
        return json.loads(self.to_json())

    def __repr__(self):
        if self.closed:
            return "<Config closed>"
        return "<Config image=%r user=%r workdir=%r mounts=%d>" % (
            self.image, self.user, self.workdir, len(self.volumes))
