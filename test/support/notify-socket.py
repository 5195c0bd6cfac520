# A stand-in for systemd's end of NOTIFY_SOCKET: prints each datagram on a line, and closes the
# descriptors sent with BARRIER=1 (that is how systemd tells systemd-notify it read the message).
import array, os, socket, sys

sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
sock.bind(sys.argv[1])
print("listening", flush=True)
while True:
    message, ancillary, _flags, _addr = sock.recvmsg(4096, socket.CMSG_SPACE(64))
    for level, kind, data in ancillary:
        if level == socket.SOL_SOCKET and kind == socket.SCM_RIGHTS:
            fds = array.array("i")
            fds.frombytes(data[: len(data) - len(data) % fds.itemsize])
            for fd in fds:
                os.close(fd)
    print(message.decode().replace("\n", " "), flush=True)
