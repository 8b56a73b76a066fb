package org.tokenlab.kernel;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Set;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.dflib.jjava.jupyter.channels.ShellReplyEnvironment;
import org.dflib.jjava.jupyter.kernel.BaseKernel;
import org.dflib.jjava.jupyter.kernel.HelpLink;
import org.dflib.jjava.jupyter.kernel.LanguageInfo;
import org.dflib.jjava.jupyter.kernel.ReplacementOptions;
import org.dflib.jjava.jupyter.kernel.comm.CommManager;
import org.dflib.jjava.jupyter.kernel.display.DisplayData;
import org.dflib.jjava.jupyter.kernel.display.Renderer;
import org.dflib.jjava.jupyter.kernel.display.mime.MIMEType;
import org.dflib.jjava.jupyter.kernel.magic.MagicsRegistry;
import org.dflib.jjava.jupyter.kernel.util.StringStyler;
import org.dflib.jjava.jupyter.kernel.util.TextColor;
import org.dflib.jjava.jupyter.kernel.history.HistoryEntry;
import org.dflib.jjava.jupyter.kernel.history.HistoryManager;
import org.dflib.jjava.jupyter.messages.Header;
import org.dflib.jjava.jupyter.messages.Message;
import org.dflib.jjava.jupyter.messages.request.HistoryRequest;
import org.dflib.jjava.jupyter.messages.request.KernelInfoRequest;
import org.dflib.jjava.jupyter.messages.publish.PublishError;
import org.dflib.jjava.jupyter.messages.publish.PublishExecuteInput;
import org.dflib.jjava.jupyter.messages.publish.PublishExecuteResult;
import org.dflib.jjava.jupyter.messages.reply.ErrorReply;
import org.dflib.jjava.jupyter.messages.reply.ExecuteReply;
import org.dflib.jjava.jupyter.messages.reply.HistoryReply;
import org.dflib.jjava.jupyter.messages.request.ExecuteRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tokenlab.engine.EngineCheck;
import org.tokenlab.kernel.display.ChartRenderer;
import org.tokenlab.kernel.display.ImageRenderer;
import org.tokenlab.kernel.display.TableRenderer;
import org.tokenlab.kernel.display.TensorRenderer;
import org.tokenlab.kernel.execution.CellEvaluator;
import org.tokenlab.kernel.execution.CellResult;
import org.tokenlab.kernel.execution.CellThreads;
import org.tokenlab.kernel.execution.Completion;
import org.tokenlab.kernel.history.SessionHistory;
import org.tokenlab.kernel.magic.ClassPathMagic;
import org.tokenlab.kernel.magic.LoadMagic;
import org.tokenlab.kernel.magic.Magics;
import org.tokenlab.kernel.magic.MavenMagic;
import org.tokenlab.kernel.magic.MavenResolver;
import org.tokenlab.kernel.magic.TimeMagic;

/**
 * The TokenLab Jupyter kernel: Java cells evaluated by JShell in this JVM, with the library, its
 * renderers and the usual imports preloaded.
 */
public final class TokenLabKernel extends BaseKernel {

    /** Kernelspec name. */
    public static final String NAME = "tokenlab";
    public static final String VERSION = "0.1.0";

    /** Notebook-only additions: display and friends (the library's imports come from ShellStartup). */
    static final String KERNEL_STARTUP = "/org/tokenlab/kernel/startup.jsh";

    private static final Logger LOG = LoggerFactory.getLogger(TokenLabKernel.class);

    private final KernelIO kio;
    private final SessionHistory history;
    private final CompletableFuture<CellEvaluator> evaluator;
    private final Magics magics;
    private final ScheduledExecutorService flusher;
    private volatile boolean cellRunning;

    private TokenLabKernel(KernelIO io, SessionHistory history, Renderer renderer, StringStyler styler) {
        super(NAME, VERSION,
                new LanguageInfo("java", System.getProperty("java.version"), "text/x-java", ".jshell", "java", "java", "script"),
                List.of(new HelpLink("Java API", "https://docs.oracle.com/en/java/javase/17/docs/api/index.html")),
                history, io, new CommManager(), renderer, null, new MagicsRegistry(), false, styler);
        this.kio = io;
        this.history = history;
        this.evaluator = CompletableFuture.supplyAsync(
                () -> CellEvaluator.withLibrary(System.getProperty("java.class.path"), List.of(startup(KERNEL_STARTUP))),
                runnable -> daemon("tokenlab-jshell-start", runnable).start());
        this.magics = magics();
        this.flusher = Executors.newSingleThreadScheduledExecutor(r -> daemon("tokenlab-stream-flush", r));
        this.flusher.scheduleWithFixedDelay(() -> {
            if (cellRunning) {
                kio.flush();
            }
        }, 100, 100, TimeUnit.MILLISECONDS);
    }

    /** A kernel with the TokenLab renderers registered; its JShell starts in the background. */
    public static TokenLabKernel create() {
        Renderer renderer = new Renderer();
        TensorRenderer.register(renderer);
        ImageRenderer.register(renderer);
        TableRenderer.register(renderer);
        ChartRenderer.register(renderer);
        StringStyler styler = new StringStyler.Builder()
                .addPrimaryStyle(TextColor.BOLD_RESET_FG)
                .addSecondaryStyle(TextColor.BOLD_RED_FG)
                .addHighlightStyle(TextColor.BOLD_RESET_FG)
                .addHighlightStyle(TextColor.RED_BG)
                .build();
        return new TokenLabKernel(new KernelIO(), new SessionHistory(), renderer, styler);
    }

    private Magics magics() {
        MavenResolver resolver = MavenResolver.fromEnvironment();
        TimeMagic time = new TimeMagic(this::runJava, () -> System.out);
        return new Magics()
                .lineMagic("classpath", new ClassPathMagic(false, this::addToClasspath, () -> System.out))
                .lineMagic("jars", new ClassPathMagic(true, this::addToClasspath, () -> System.out))
                .lineMagic("maven", new MavenMagic(resolver, this::addToClasspath, () -> System.out))
                .lineMagic("load", new LoadMagic(this::run))
                .lineMagic("time", time)
                .cellMagic("time", time);
    }

    /** Runs a cell (Java and magics) and returns its value. */
    public CellResult run(String code) throws Exception {
        return magics.run(code, this::runJava);
    }

    private CellResult runJava(String code) throws Exception {
        return evaluator().eval(code);
    }

    private void addToClasspath(String path) {
        evaluator().addToClasspath(path);
    }

    /** The JShell evaluator, waiting for its start if needed. */
    CellEvaluator evaluator() {
        try {
            return evaluator.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while the Java evaluator was starting", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("the Java evaluator failed to start: " + e.getCause(), e.getCause());
        }
    }

    @Override
    public Object evalRaw(String code) {
        try {
            return run(code).value();
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new RuntimeException(e.getMessage(), e);
        }
    }

    @Override
    protected synchronized void handleExecuteRequest(ShellReplyEnvironment env, Message<ExecuteRequest> message) {
        commManager.setMessageContext(message);
        ExecuteRequest request = message.getContent();
        int count = request.isSilent() ? executionCount.get() : executionCount.getAndIncrement();
        env.setBusyDeferIdle();
        env.publish(new PublishExecuteInput(request.getCode(), count));
        replaceOutputStreams(env);
        kio.attach(env, request.isStdinEnabled());
        env.defer(() -> kio.detach(env));
        cellRunning = true;
        String outputText = null;
        try {
            CellResult result = run(request.getCode());
            kio.flush();
            if (result.hasValue() && !request.isSilent()) {
                DisplayData data = Notebook.render(result.value());
                Object text = data.getData(MIMEType.TEXT_PLAIN);
                outputText = text == null ? null : text.toString();
                env.publish(new PublishExecuteResult(count, data));
            }
            env.defer().reply(new ExecuteReply(count, Collections.emptyMap()));
        } catch (Exception e) {
            kio.flush();
            CellError error = CellError.of(e, errorStyler);
            env.publish(new PublishError(error.name(), error.message(), error.traceback()));
            ErrorReply reply = new ErrorReply(error.name(), error.message(), error.traceback());
            reply.setExecutionCount(count);
            env.defer().replyError(ExecuteReply.MESSAGE_TYPE.error(), reply);
        } finally {
            cellRunning = false;
            if (request.shouldStoreHistory() && !request.isSilent()) {
                history.record(count, request.getCode(), outputText);
            }
        }
    }

    @Override
    protected void handleKernelInfoRequest(ShellReplyEnvironment env, Message<KernelInfoRequest> message) {
        env.setBusyDeferIdle();
        env.reply(new Replies.KernelInfo(Header.PROTOCOL_VERISON, NAME, VERSION, getLanguageInfo(), getBanner(), getHelpLinks()));
    }

    @Override
    protected void handleHistoryRequest(ShellReplyEnvironment env, Message<HistoryRequest> message) {
        HistoryRequest request = message.getContent();
        env.setBusyDeferIdle();
        Set<HistoryManager.ResultFlag> flags = EnumSet.noneOf(HistoryManager.ResultFlag.class);
        if (request.includeOutput()) {
            flags.add(HistoryManager.ResultFlag.INCLUDE_OUTPUT);
        }
        List<HistoryEntry> entries = switch (request.getAccessType()) {
            case TAIL -> history.lookupTail(((HistoryRequest.Tail) request).getMaxReturnLength(), flags);
            case RANGE -> {
                HistoryRequest.Range r = (HistoryRequest.Range) request;
                yield history.lookupRange(r.getSessionIndex(), r.getStart(), r.getStop(), flags);
            }
            case SEARCH -> {
                HistoryRequest.Search r = (HistoryRequest.Search) request;
                if (r.filterUnique()) {
                    flags.add(HistoryManager.ResultFlag.UNIQUE);
                }
                yield history.search(r.getPattern(), r.getMaxReturnLength(), flags);
            }
        };
        env.reply(historyReply(message, new Replies.History(entries)));
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static Message<?> historyReply(Message<HistoryRequest> request, Replies.History content) {
        return new Message(request, HistoryReply.MESSAGE_TYPE, content);
    }

    @Override
    public DisplayData inspect(String code, int at, boolean extraDetail) {
        List<String> docs = evaluator().documentation(Magics.javaOnly(code), at);
        if (docs.isEmpty()) {
            return null;
        }
        DisplayData data = new DisplayData(String.join("\n\n", docs));
        StringBuilder markdown = new StringBuilder();
        for (String doc : docs) {
            int split = doc.indexOf("\n\n");
            String signature = split < 0 ? doc : doc.substring(0, split);
            markdown.append("```java\n").append(signature).append("\n```\n");
            if (split >= 0) {
                markdown.append(doc.substring(split + 2)).append("\n\n");
            }
        }
        data.putMarkdown(markdown.toString().strip());
        return data;
    }

    @Override
    public ReplacementOptions complete(String code, int at) {
        int lineStart = code.lastIndexOf('\n', Math.max(0, at - 1)) + 1;
        String line = code.substring(lineStart, at);
        if (line.stripLeading().startsWith("%")) {
            String typed = line.strip();
            List<String> names = new ArrayList<>();
            magics.names().stream().filter(n -> n.startsWith(typed)).forEach(names::add);
            return new ReplacementOptions(names, at - typed.length(), at);
        }
        Completion c = evaluator().complete(Magics.javaOnly(code), at);
        return new ReplacementOptions(c.matches(), c.start(), c.end());
    }

    @Override
    public String isComplete(String code) {
        return evaluator().isComplete(Magics.javaOnly(code));
    }

    @Override
    public void interrupt() {
        if (evaluator.isDone()) {
            evaluator().stop();
        }
    }

    @Override
    public List<String> formatError(Throwable e) {
        return CellError.of(e, errorStyler).traceback();
    }

    @Override
    public void onShutdown(boolean isRestarting) {
        super.onShutdown(isRestarting);
        flusher.shutdownNow();
        if (evaluator.isDone() && !evaluator.isCompletedExceptionally()) {
            evaluator().close();
        }
    }

    /**
     * Loads the library's engine in the background so the first tensor cell does not wait for it, and
     * runs the convolution self-check ({@link EngineCheck}); a fix it applies goes to the kernel's log,
     * and a failure it could not fix also into the first cell.
     */
    void warmUp() {
        CellThreads.warmingUp();
        daemon("tokenlab-warm-up", () -> {
            String cellWarning = null;
            try {
                evaluator.join();
                Class<?> engines = Class.forName("ai.djl.engine.Engine");
                Object engine = engines.getMethod("getInstance").invoke(null);
                if ("PyTorch".equals(engines.getMethod("getEngineName").invoke(engine))) {
                    EngineCheck.Verdict verdict = EngineCheck.ensure(); // logs a fix or a failure at warn level
                    cellWarning = verdict.ok() ? null : "TokenLab: " + verdict.message();
                    CellThreads.pytorchLoaded();
                }
            } catch (Throwable t) {
                LOG.debug("warm-up skipped: {}", t.toString());
            } finally {
                CellThreads.warmedUp(cellWarning);
            }
        }).start();
    }

    private static String startup(String resource) {
        try (InputStream in = TokenLabKernel.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("missing startup resource " + resource);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Thread daemon(String name, Runnable r) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }
}
