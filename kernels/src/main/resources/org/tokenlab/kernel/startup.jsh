// Notebook-only: display(...), updateDisplay(...), render(...).
import static org.tokenlab.kernel.Notebook.*;
