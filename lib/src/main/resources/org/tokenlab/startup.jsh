// TokenLab's usual imports, run before the first cell by the notebook kernel and by `tokenlab jshell`.
import java.util.*;
import java.util.function.*;
import java.util.stream.*;
import java.nio.file.*;
import java.awt.image.BufferedImage;
import ai.djl.Device;
import ai.djl.ndarray.*;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.*;
import tech.tablesaw.api.*;
import tech.tablesaw.aggregate.AggregateFunctions;
import org.knowm.xchart.*;
import org.tokenlab.data.*;
import org.tokenlab.metrics.*;
import org.tokenlab.quantize.*;
import org.tokenlab.tokenizer.*;
import org.tokenlab.viz.*;
