/** Rule steps: ordered, local, cheap rules whose first match answers. */
package dev.cascade.rules;
