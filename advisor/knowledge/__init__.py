"""What the advisor knows: the stage document, the structured stage file, and company documents."""
