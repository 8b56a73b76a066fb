// TokenLab's usual imports, run before the first cell by the notebook kernel and by `tokenlab jshell`.
// Only imports from outside the library belong here: org.tokenlab.ShellStartup appends one import for
// each of the library's packages found on the class path, so a new package needs no edit here.
import java.util.*;
import java.util.function.*;
import java.util.stream.*;
import java.nio.file.*;
import java.awt.image.BufferedImage;
import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.*;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.*;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import tech.tablesaw.api.*;
import tech.tablesaw.aggregate.AggregateFunctions;
import org.knowm.xchart.*;
