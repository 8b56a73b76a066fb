// Run by `tokenlab jshell` after startup.jsh: the convolution self-check, and its fix where this
// processor needs it, before the first snippet trains anything (the notebook kernel runs it at start).
System.out.println("TokenLab " + org.tokenlab.engine.EngineCheck.ensure().message());
