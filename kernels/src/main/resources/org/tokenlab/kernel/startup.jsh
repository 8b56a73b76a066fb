// Notebook-only: display(...), updateDisplay(...), render(...), markdown(...).
import static org.tokenlab.kernel.Notebook.*;
