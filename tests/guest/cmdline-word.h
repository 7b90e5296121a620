/* Whole-word search in a command line, for the self-test shims (which spoil what
 * the command line names). */
#ifndef CMDLINE_WORD_H
#define CMDLINE_WORD_H

/* "word" occurs in cmd as a whole space-separated word. */
static inline int has(const char *cmd, const char *word)
{
	for (const char *p = cmd; *p; p++) {
		if (p != cmd && p[-1] != ' ')
			continue;
		unsigned i = 0;
		while (word[i] && p[i] == word[i])
			i++;
		if (!word[i] && (p[i] == ' ' || !p[i]))
			return 1;
	}
	return 0;
}

#endif
