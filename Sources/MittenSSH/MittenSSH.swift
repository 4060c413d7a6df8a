import CLibSSH2

/// MittenSSH: SSH client over libssh2 with pinned host keys, exec and SFTP upload.
public enum MittenSSH {}
