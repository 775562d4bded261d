# The Markdown report's lint style: every mdl rule, with the project's line length (docs wrap at
# 100 columns); code excerpts and tables keep the source's own width.
all
rule 'MD013', :line_length => 100, :ignore_code_blocks => true, :tables => false
