package org.tokenlab.kernel.channel;

import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import org.dflib.jjava.jupyter.channels.HeartbeatChannel;
import org.dflib.jjava.jupyter.channels.IOPubChannel;
import org.dflib.jjava.jupyter.channels.JupyterConnection;
import org.dflib.jjava.jupyter.channels.ShellChannel;
import org.dflib.jjava.jupyter.channels.ShellReplyEnvironment;
import org.dflib.jjava.jupyter.channels.StdinChannel;
import org.dflib.jjava.jupyter.kernel.KernelConnectionProperties;
import org.dflib.jjava.jupyter.messages.HMACGenerator;
import org.dflib.jjava.jupyter.messages.Message;
import org.dflib.jjava.jupyter.messages.MessageContext;
import org.dflib.jjava.jupyter.messages.publish.PublishStatus;
import org.zeromq.ZMQ;

/**
 * The kernel's five sockets, bound only to the address and ports of the connection file, with shell
 * and control channels that survive (and log) messages signed with the wrong key.
 */
public final class SignedConnection extends JupyterConnection {

    private final KernelConnectionProperties props;
    private final ZMQ.Context context = ZMQ.context(1);
    private final HeartbeatChannel heartbeat;
    private final SignedShellChannel shell;
    private final SignedShellChannel control;
    private final StdinChannel stdin;
    private final IOPubChannel iopub;
    private volatile boolean connected;
    private volatile boolean closed;

    public SignedConnection(KernelConnectionProperties props) throws NoSuchAlgorithmException, InvalidKeyException {
        super(props);
        this.props = props;
        HMACGenerator hmac = props.createHMACGenerator();
        heartbeat = new HeartbeatChannel(context, hmac, 50);
        shell = new SignedShellChannel(context, hmac, false, this);
        control = new SignedShellChannel(context, hmac, true, this);
        stdin = new StdinChannel(context, hmac);
        iopub = new IOPubChannel(context, hmac);
    }

    @Override
    public synchronized void connect() {
        if (connected) {
            return;
        }
        heartbeat.bind(props);
        iopub.bind(props);
        stdin.bind(props);
        control.bind(props);
        shell.bind(props);
        iopub.sendMessage(new Message<>(null, PublishStatus.MESSAGE_TYPE, PublishStatus.STARTING));
        connected = true;
    }

    @Override
    public IOPubChannel getIOPub() {
        return iopub;
    }

    @Override
    public ShellReplyEnvironment prepareReplyEnv(ShellChannel channel, MessageContext messageContext) {
        return new ReplyEnvironment(channel, stdin, iopub, messageContext);
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        heartbeat.close();
        shell.close();
        control.close();
        stdin.close();
        iopub.close();
        context.close();
        super.close();
    }

    @Override
    public void waitUntilClose() {
        shell.waitUntilClose();
        control.waitUntilClose();
        heartbeat.waitUntilClose();
    }

    /** Gives access to the protected constructor of the base library's reply environment. */
    private static final class ReplyEnvironment extends ShellReplyEnvironment {
        ReplyEnvironment(ShellChannel shell, StdinChannel stdin, IOPubChannel iopub, MessageContext context) {
            super(shell, stdin, iopub, context);
        }
    }
}
