/// LocalCloud: an OpenStack-compatible cloud on loopback whose servers are local processes.
public enum LocalCloud {}
