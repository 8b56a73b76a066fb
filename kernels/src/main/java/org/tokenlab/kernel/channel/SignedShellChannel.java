package org.tokenlab.kernel.channel;

import org.dflib.jjava.jupyter.channels.JupyterConnection;
import org.dflib.jjava.jupyter.channels.ShellChannel;
import org.dflib.jjava.jupyter.channels.ShellHandler;
import org.dflib.jjava.jupyter.channels.ShellReplyEnvironment;
import org.dflib.jjava.jupyter.kernel.KernelConnectionProperties;
import org.dflib.jjava.jupyter.messages.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.zeromq.ZMQ;

/**
 * A shell or control channel that drops (and logs) every message whose HMAC signature is wrong and
 * keeps serving the next one, and that wakes as soon as a message arrives instead of polling on a
 * timer.
 */
final class SignedShellChannel extends ShellChannel {

    private static final Logger LOG = LoggerFactory.getLogger(SignedShellChannel.class);
    private static final int POLL_MILLIS = 100;

    private final boolean control;
    private final JupyterConnection connection;
    private volatile boolean running;
    private Thread loop;

    SignedShellChannel(ZMQ.Context context, org.dflib.jjava.jupyter.messages.HMACGenerator hmac, boolean control,
            JupyterConnection connection) {
        super(context, hmac, control, connection);
        this.control = control;
        this.connection = connection;
    }

    @Override
    public void bind(KernelConnectionProperties props) {
        if (loop != null) {
            throw new IllegalStateException("channel already bound");
        }
        String address = props.getTransport() + "://" + props.getIp() + ":"
                + (control ? props.getControlPort() : props.getShellPort());
        super.bind(address);
        ZMQ.Poller poller = ctx.poller(1);
        poller.register(this, ZMQ.Poller.POLLIN);
        running = true;
        loop = new Thread(() -> serve(poller), control ? "tokenlab-control" : "tokenlab-shell");
        loop.start();
    }

    private void serve(ZMQ.Poller poller) {
        while (running) {
            try {
                if (poller.poll(POLL_MILLIS) <= 0) {
                    continue;
                }
            } catch (RuntimeException e) {
                if (!running) {
                    return;
                }
                throw e;
            }
            Message<?> message;
            try {
                message = readMessage();
            } catch (SecurityException e) {
                LOG.warn("Dropped a message with a wrong HMAC signature on the {} channel", control ? "control" : "shell");
                continue;
            } catch (RuntimeException e) {
                LOG.warn("Dropped a malformed message on the {} channel: {}", control ? "control" : "shell", e.toString());
                continue;
            }
            if (message == null) {
                return;
            }
            handle(message);
        }
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private void handle(Message<?> message) {
        ShellHandler handler = connection.getHandler(message.getHeader().getType());
        if (handler == null) {
            LOG.warn("No handler for {}", message.getHeader().getType().getName());
            return;
        }
        ShellReplyEnvironment env = connection.prepareReplyEnv(this, message);
        try {
            handler.handle(env, message);
        } catch (Exception e) {
            LOG.warn("Error handling {}: {}", message.getHeader().getType().getName(), e.toString());
        } finally {
            env.resolveDeferrals();
        }
        if (env.isMarkedForShutdown()) {
            running = false;
            connection.close();
        }
    }

    @Override
    public void close() {
        running = false;
        super.close();
    }

    @Override
    public void waitUntilClose() {
        Thread t = loop;
        if (t != null && t != Thread.currentThread()) {
            try {
                t.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
